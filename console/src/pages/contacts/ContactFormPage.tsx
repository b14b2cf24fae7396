import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Checkbox, Form, Input, Select, Skeleton, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import type { Contact, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { AccountSelect } from "../../components/AccountSelect";
import { ConflictDialog } from "../../components/ConflictDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FormProblems } from "../../components/FormProblems";
import { UserSelect } from "../../components/users";
import { useVersionedForm } from "../../forms/useVersionedForm";
import {
  CONTACT_FIELDS,
  CONTACT_ROLES,
  type ContactFormValues,
  PHONE_KINDS,
  changedFields,
  createBody,
  formValues,
} from "./contactForm";

const REGISTERED = CONTACT_FIELDS.map((field) => [field]);

export default function ContactFormPage() {
  const { contactId } = useParams();
  const api = useApi();
  const loaded = useQuery({
    queryKey: ["contacts", "one", contactId],
    queryFn: () => api.contacts.get(contactId!),
    enabled: Boolean(contactId),
  });
  if (!contactId) return <ContactForm />;
  if (loaded.isPending) return <Skeleton active />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={() => void loaded.refetch()} />;
  return <ContactForm key={contactId} loaded={loaded.data} onReload={() => loaded.refetch().then((r) => r.data)} />;
}

function ContactForm({ loaded, onReload }: { loaded?: Tagged<Contact>; onReload?: () => Promise<Tagged<Contact> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<ContactFormValues>();
  const fromAccount = params.get("account");
  const back = (accountId: string | null | undefined) =>
    navigate(accountId ? `/accounts/${accountId}?tab=contacts` : "/contacts");

  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    toValues: formValues,
    createBody,
    patchOf: changedFields,
    create: api.contacts.create,
    update: api.contacts.update,
    overwrite: api.contacts.overwrite,
    onSaved: (contact, outcome) => {
      void queryClient.invalidateQueries({ queryKey: ["contacts"] });
      if (outcome !== "unchanged") void message.success(t(outcome === "created" ? "contacts.created_message" : "contacts.saved_message"));
      back(contact.account_id);
    },
  });
  const editing = saving.base;

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {editing ? t("contacts.editTitle") : t("contacts.newTitle")}
      </Typography.Title>
      <FormProblems error={saving.formError} unplaced={saving.unplaced} />
      <Form<ContactFormValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        disabled={saving.busy}
        onFinish={saving.submit}
        initialValues={
          editing ? formValues(editing.data) : { account_id: fromAccount ?? undefined, roles: [], phones: [{ kind: "mobile" }] }
        }
      >
        <Form.Item
          label={t("contacts.account")}
          name="account_id"
          rules={[{ required: true, message: t("sales.accountRequired") }]}
        >
          <AccountSelect disabled={Boolean(editing)} aria-label={t("contacts.account")} />
        </Form.Item>
        <Form.Item
          label={t("contacts.nameEn")}
          name="name_en"
          dependencies={["name_zh"]}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, value?: string) =>
                (value ?? "").trim() || (getFieldValue("name_zh") ?? "").trim()
                  ? Promise.resolve()
                  : Promise.reject(new Error(t("contacts.nameRequired"))),
            }),
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t("contacts.nameZh")} name="name_zh">
          <Input maxLength={100} lang="zh" />
        </Form.Item>
        <Form.Item label={t("contacts.jobTitle")} name="title">
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("contacts.roles")} name="roles">
          <Select
            mode="multiple"
            aria-label={t("contacts.roles")}
            maxCount={5}
            options={CONTACT_ROLES.map((role) => ({ value: role, label: t(`contacts.role.${role}`) }))}
          />
        </Form.Item>
        <Form.List name="phones">
          {(fields, { add, remove }) => (
            <Form.Item label={t("contacts.phones")} required={false}>
              <Space direction="vertical" style={{ width: "100%" }}>
                {fields.map((field, index) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item name={[field.name, "kind"]} noStyle>
                      <Select
                        aria-label={t("contacts.phoneKindOf", { index: index + 1 })}
                        style={{ width: 120 }}
                        options={PHONE_KINDS.map((kind) => ({ value: kind, label: t(`contacts.phoneKind.${kind}`) }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, "number"]} noStyle>
                      <Input type="tel" maxLength={40} aria-label={t("contacts.phoneNumberOf", { index: index + 1 })} style={{ width: 240 }} />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={t("contacts.removePhone", { index: index + 1 })}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                ))}
                {fields.length < 10 && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: "mobile" })}>
                    {t("contacts.addPhone")}
                  </Button>
                )}
              </Space>
            </Form.Item>
          )}
        </Form.List>
        <Form.Item label={t("contacts.email")} name="email" rules={[{ type: "email", message: t("auth.emailInvalid") }]}>
          <Input inputMode="email" maxLength={254} />
        </Form.Item>
        <Form.Item name="is_primary" valuePropName="checked">
          <Checkbox>{t("contacts.primary")}</Checkbox>
        </Form.Item>
        <Form.Item label={t("sales.responsible")} name="responsible_user_id">
          <UserSelect aria-label={t("sales.responsible")} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving.busy}>
            {t("common.save")}
          </Button>
          <Button htmlType="button" onClick={() => back(editing?.data.account_id ?? fromAccount)}>
            {t("common.cancel")}
          </Button>
        </Space>
      </Form>
      <ConflictDialog subject="record" {...saving.conflictDialog} />
    </Card>
  );
}
