import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Select, Skeleton, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type { Lead, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FormProblems } from "../../components/FormProblems";
import { UserSelect } from "../../components/users";
import { useVersionedForm } from "../../forms/useVersionedForm";
import { changedFields, createBody, formValues, LEAD_FIELDS, LEAD_SOURCES, LEAD_STATUSES, type LeadFormValues } from "./leadForm";

const REGISTERED = LEAD_FIELDS.map((field) => [field]);

export default function LeadFormPage() {
  const { leadId } = useParams();
  const api = useApi();
  const loaded = useQuery({
    queryKey: ["leads", "one", leadId],
    queryFn: () => api.leads.get(leadId!),
    enabled: Boolean(leadId),
  });
  if (!leadId) return <LeadForm />;
  if (loaded.isPending) return <Skeleton active />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={() => void loaded.refetch()} />;
  return <LeadForm key={leadId} loaded={loaded.data} onReload={() => loaded.refetch().then((r) => r.data)} />;
}

function LeadForm({ loaded, onReload }: { loaded?: Tagged<Lead>; onReload?: () => Promise<Tagged<Lead> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<LeadFormValues>();
  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    toValues: formValues,
    createBody,
    patchOf: changedFields,
    create: api.leads.create,
    update: api.leads.update,
    overwrite: api.leads.overwrite,
    onSaved: (lead, outcome) => {
      queryClient.setQueryData(["leads", "one", lead.id], undefined);
      void queryClient.invalidateQueries({ queryKey: ["leads"] });
      if (outcome !== "unchanged") void message.success(t(outcome === "created" ? "leads.created_message" : "leads.saved_message"));
      navigate(`/leads/${lead.id}`);
    },
  });
  const editing = saving.base;

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {editing ? t("leads.editTitle") : t("leads.newTitle")}
      </Typography.Title>
      {!editing && <Alert type="info" title={t("leads.assignedByRule")} style={{ marginBottom: 16, maxWidth: 640 }} />}
      <FormProblems error={saving.formError} unplaced={saving.unplaced} />
      <Form<LeadFormValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        disabled={saving.busy}
        onFinish={saving.submit}
        initialValues={editing ? formValues(editing.data) : { source: "other" }}
      >
        <Form.Item
          label={t("leads.company")}
          name="company_name"
          rules={[{ required: true, whitespace: true, message: t("leads.companyRequired") }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("leads.contactName")} name="contact_name">
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("accounts.email")} name="email" rules={[{ type: "email", message: t("auth.emailInvalid") }]}>
          <Input inputMode="email" maxLength={254} />
        </Form.Item>
        <Form.Item label={t("accounts.phone")} name="phone">
          <Input type="tel" maxLength={40} />
        </Form.Item>
        <Form.Item label={t("sales.businessLine")} name="business_line" extra={t("leads.businessLineHelp")}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("sales.region")} name="region" extra={t("leads.regionHelp")}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("leads.source")} name="source">
          <Select
            aria-label={t("leads.source")}
            options={LEAD_SOURCES.map((source) => ({ value: source, label: t(`leads.sources.${source}`) }))}
          />
        </Form.Item>
        {editing && (
          <>
            <Form.Item label={t("leads.status")} name="status">
              <Select
                aria-label={t("leads.status")}
                options={LEAD_STATUSES.map((status) => ({ value: status, label: t(`leads.statuses.${status}`) }))}
              />
            </Form.Item>
            <Form.Item label={t("sales.owner")} name="owner_user_id" extra={t("leads.ownerHelp")}>
              <UserSelect aria-label={t("sales.owner")} allowClear={false} />
            </Form.Item>
          </>
        )}
        <Form.Item label={t("accounts.notes")} name="notes">
          <Input.TextArea rows={4} maxLength={4000} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving.busy}>
            {t("common.save")}
          </Button>
          <Button htmlType="button" onClick={() => navigate(editing ? `/leads/${editing.data.id}` : "/leads")}>
            {t("common.cancel")}
          </Button>
        </Space>
      </Form>
      <ConflictDialog subject="record" {...saving.conflictDialog} />
    </Card>
  );
}
