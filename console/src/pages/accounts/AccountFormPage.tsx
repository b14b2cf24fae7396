import { App, Form, Input, Select } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type { Account, AccountCreated, Tagged } from "../../api/client";
import { useApi } from "../../auth/AuthProvider";
import { EmailAndPhoneItems, LoadedRecord, RecordFormCard, useRecordSaved } from "../../components/RecordFormPage";
import { useVersionedForm } from "../../forms/useVersionedForm";
import { createdState } from "./AccountDuplicates";
import * as accountForm from "./accountForm";
import { ACCOUNT_FIELDS, type AccountFormValues, formValues } from "./accountForm";

const REGISTERED = ACCOUNT_FIELDS.map((field) => [field]);

export default function AccountFormPage() {
  const { accountId } = useParams();
  const api = useApi();
  return (
    <LoadedRecord resource="accounts" id={accountId} get={api.accounts.get}>
      {(loaded, reload) => <AccountForm key={accountId} loaded={loaded} onReload={reload} />}
    </LoadedRecord>
  );
}

function AccountForm({ loaded, onReload }: { loaded?: Tagged<Account>; onReload?: () => Promise<Tagged<Account> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<AccountFormValues>();
  const saving = useVersionedForm({
    form,
    registered: REGISTERED,
    loaded,
    reload: onReload,
    mapping: accountForm,
    client: api.accounts,
    onReloaded: () => void message.info(t("accounts.reloaded")),
    // A create answers the accounts it likely duplicates: the account's page shows them once.
    onSaved: useRecordSaved<Account | AccountCreated>("accounts", (account) =>
      navigate(`/accounts/${account.id}`, { state: createdState(account) }),
    ),
  });
  const editing = saving.base;

  return (
    <RecordFormCard<AccountFormValues>
      title={editing ? t("accounts.editTitle") : t("accounts.newTitle")}
      form={form}
      saving={saving}
      conflictSubject="account"
      initialValues={editing ? formValues(editing.data) : { tags: [] }}
      onCancel={() => navigate(editing ? `/accounts/${editing.data.id}` : "/accounts")}
    >
      <Form.Item label={t("accounts.name")} name="name" rules={[{ required: true, whitespace: true, message: t("accounts.nameRequired") }]}>
        <Input maxLength={200} />
      </Form.Item>
      <EmailAndPhoneItems />
      <Form.Item label={t("accounts.website")} name="website">
        <Input inputMode="url" maxLength={300} placeholder="https://" />
      </Form.Item>
      <Form.Item label={t("accounts.tags")} name="tags" extra={t("accounts.tagsHelp")}>
        <Select mode="tags" tokenSeparators={[","]} maxCount={20} open={false} suffixIcon={null} />
      </Form.Item>
      <Form.Item label={t("accounts.notes")} name="notes">
        <Input.TextArea rows={4} maxLength={4000} />
      </Form.Item>
    </RecordFormCard>
  );
}
