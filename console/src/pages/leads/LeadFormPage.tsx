import { Alert, Form, Input, Select } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type { Lead, LeadCreated, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { EmailAndPhoneItems, LoadedRecord, RecordFormCard, useRecordSaved } from "../../components/RecordFormPage";
import { UserSelect } from "../../components/users";
import { useVersionedForm } from "../../forms/useVersionedForm";
import { createdState } from "../accounts/AccountDuplicates";
import * as leadForm from "./leadForm";
import { formValues, LEAD_FIELDS, LEAD_SOURCES, LEAD_STATUSES, type LeadFormValues } from "./leadForm";

const REGISTERED = LEAD_FIELDS.map((field) => [field]);

export default function LeadFormPage() {
  const { leadId } = useParams();
  const api = useApi();
  return (
    <LoadedRecord resource="leads" id={leadId} get={api.leads.get}>
      {(loaded, reload) => <LeadForm key={leadId} loaded={loaded} onReload={reload} />}
    </LoadedRecord>
  );
}

function LeadForm({ loaded, onReload }: { loaded?: Tagged<Lead>; onReload?: () => Promise<Tagged<Lead> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const [form] = Form.useForm<LeadFormValues>();
  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    mapping: leadForm,
    client: api.leads,
    // A create answers the accounts and leads it likely duplicates: the lead's page shows them once.
    onSaved: useRecordSaved<Lead | LeadCreated>("leads", (lead) => navigate(`/leads/${lead.id}`, { state: createdState(lead) })),
  });
  const editing = saving.base;

  return (
    <RecordFormCard<LeadFormValues>
      title={editing ? t("leads.editTitle") : t("leads.newTitle")}
      form={form}
      saving={saving}
      intro={!editing && <Alert type="info" title={t("leads.assignedByRule")} style={{ marginBottom: 16, maxWidth: 640 }} />}
      initialValues={editing ? formValues(editing.data) : { source: "other" }}
      onCancel={() => navigate(editing ? `/leads/${editing.data.id}` : "/leads")}
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
      <EmailAndPhoneItems />
      <Form.Item label={t("sales.businessLine")} name="business_line" extra={t("leads.businessLineHelp")}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item label={t("sales.region")} name="region" extra={t("leads.regionHelp")}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item label={t("sales.branch")} name="branch" extra={t("sales.branchHelp")}>
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
    </RecordFormCard>
  );
}
