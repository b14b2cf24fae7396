import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Checkbox, Form, Input, Select, Space } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import type { Contact, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { Discussion } from "../../collaboration/Discussion";
import { AccountSelect } from "../../components/AccountSelect";
import { LoadedRecord, RecordFormCard, useRecordSaved } from "../../components/RecordFormPage";
import { UserSelect } from "../../components/users";
import { useVersionedForm } from "../../forms/useVersionedForm";
import * as contactForm from "./contactForm";
import { CONTACT_FIELDS, CONTACT_ROLES, type ContactFormValues, PHONE_KINDS, formValues } from "./contactForm";

const REGISTERED = CONTACT_FIELDS.map((field) => [field]);

export default function ContactFormPage() {
  const { contactId } = useParams();
  const api = useApi();
  return (
    <LoadedRecord resource="contacts" id={contactId} get={api.contacts.get}>
      {(loaded, reload) => (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <ContactForm key={contactId} loaded={loaded} onReload={reload} />
          {/* A contact has no page of its own: its edit page is where it is discussed. */}
          {contactId && <Discussion collection="contacts" recordId={contactId} />}
        </Space>
      )}
    </LoadedRecord>
  );
}

function ContactForm({ loaded, onReload }: { loaded?: Tagged<Contact>; onReload?: () => Promise<Tagged<Contact> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<ContactFormValues>();
  const fromAccount = params.get("account");
  const back = (accountId: string | null | undefined) =>
    navigate(accountId ? `/accounts/${accountId}?tab=contacts` : "/contacts");

  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    mapping: contactForm,
    client: api.contacts,
    onSaved: useRecordSaved<Contact>("contacts", (contact) => back(contact.account_id)),
  });
  const editing = saving.base;

  return (
    <RecordFormCard<ContactFormValues>
      title={editing ? t("contacts.editTitle") : t("contacts.newTitle")}
      form={form}
      saving={saving}
      initialValues={editing ? formValues(editing.data) : { account_id: fromAccount ?? undefined, roles: [], phones: [{ kind: "mobile" }] }}
      onCancel={() => back(editing?.data.account_id ?? fromAccount)}
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
    </RecordFormCard>
  );
}
