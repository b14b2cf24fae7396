import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Select, Skeleton, Space, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { type Account, type AccountPatch, newIdempotencyKey, type Tagged } from "../../api/client";
import { VersionConflictError } from "../../api/problem";
import { useApi } from "../../auth/AuthProvider";
import { ConflictDialog } from "../../components/ConflictDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useProblemForm } from "../../forms/useProblemForm";
import { ACCOUNT_FIELDS, type AccountFormValues, changedFields, createBody, formValues } from "./accountForm";

const REGISTERED = ACCOUNT_FIELDS.map((field) => [field]);

export default function AccountFormPage() {
  const { accountId } = useParams();
  const api = useApi();
  const loaded = useQuery({
    queryKey: ["accounts", "one", accountId],
    queryFn: () => api.accounts.get(accountId!),
    enabled: Boolean(accountId),
  });
  if (!accountId) return <AccountForm />;
  if (loaded.isPending) return <Skeleton active />;
  if (loaded.error) return <ErrorAlert error={loaded.error} onRetry={() => void loaded.refetch()} />;
  return <AccountForm key={accountId} loaded={loaded.data} onReload={() => loaded.refetch().then((r) => r.data)} />;
}

interface Conflict {
  patch: AccountPatch;
  currentVersion?: number;
}

function AccountForm({ loaded, onReload }: { loaded?: Tagged<Account>; onReload?: () => Promise<Tagged<Account> | undefined> }) {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<AccountFormValues>();
  const { formError, unplaced, report, clear } = useProblemForm(form, REGISTERED);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [conflictBusy, setConflictBusy] = useState<"reload" | "overwrite" | null>(null);
  const [base, setBase] = useState(loaded);
  // One idempotency key per distinct body: a retried identical create is safe, a corrected one is new.
  const lastCreate = useRef<{ body: string; key: string } | null>(null);

  useEffect(() => {
    if (base) form.setFieldsValue(formValues(base.data));
  }, [base, form]);

  const saved = (account: Account, messageKey: string) => {
    queryClient.setQueryData(["accounts", "one", account.id], undefined);
    void queryClient.invalidateQueries({ queryKey: ["accounts"] });
    void message.success(t(messageKey));
    navigate(`/accounts/${account.id}`);
  };

  const submit = async (values: AccountFormValues) => {
    setBusy(true);
    clear();
    try {
      if (!base) {
        const body = createBody(values);
        const serialized = JSON.stringify(body);
        if (lastCreate.current?.body !== serialized) lastCreate.current = { body: serialized, key: newIdempotencyKey() };
        saved((await api.accounts.create(body, lastCreate.current.key)).data, "accounts.created_message");
        return;
      }
      const patch = changedFields(base.data, values);
      if (Object.keys(patch).length === 0) {
        navigate(`/accounts/${base.data.id}`);
        return;
      }
      try {
        saved((await api.accounts.update(base.data.id, patch, base.etag)).data, "accounts.saved_message");
      } catch (error) {
        if (error instanceof VersionConflictError) setConflict({ patch, currentVersion: error.currentVersion });
        else throw error;
      }
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    setConflictBusy("reload");
    try {
      const fresh = await onReload?.();
      if (fresh) {
        setBase(fresh);
        form.setFieldsValue(formValues(fresh.data));
      }
      setConflict(null);
      void message.info(t("accounts.reloaded"));
    } catch (error) {
      setConflict(null);
      report(error);
    } finally {
      setConflictBusy(null);
    }
  };

  const overwrite = async () => {
    if (!base || !conflict) return;
    setConflictBusy("overwrite");
    try {
      const result = await api.accounts.overwrite(base.data.id, conflict.patch);
      setConflict(null);
      saved(result.data, "accounts.saved_message");
    } catch (error) {
      if (error instanceof VersionConflictError) setConflict({ ...conflict, currentVersion: error.currentVersion });
      else {
        setConflict(null);
        report(error);
      }
    } finally {
      setConflictBusy(null);
    }
  };

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {base ? t("accounts.editTitle") : t("accounts.newTitle")}
      </Typography.Title>
      <ErrorAlert error={formError} />
      {unplaced.length > 0 && (
        <Alert type="warning" role="alert" title={unplaced.map((item) => item.message).join(" ")} style={{ marginBottom: 16 }} />
      )}
      <Form<AccountFormValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        disabled={busy}
        onFinish={submit}
        initialValues={base ? formValues(base.data) : { tags: [] }}
      >
        <Form.Item
          label={t("accounts.name")}
          name="name"
          rules={[{ required: true, whitespace: true, message: t("accounts.nameRequired") }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t("accounts.email")} name="email" rules={[{ type: "email", message: t("auth.emailInvalid") }]}>
          <Input inputMode="email" maxLength={254} />
        </Form.Item>
        <Form.Item label={t("accounts.phone")} name="phone">
          <Input type="tel" maxLength={40} />
        </Form.Item>
        <Form.Item label={t("accounts.website")} name="website">
          <Input inputMode="url" maxLength={300} placeholder="https://" />
        </Form.Item>
        <Form.Item label={t("accounts.tags")} name="tags" extra={t("accounts.tagsHelp")}>
          <Select mode="tags" tokenSeparators={[","]} maxCount={20} open={false} suffixIcon={null} />
        </Form.Item>
        <Form.Item label={t("accounts.notes")} name="notes">
          <Input.TextArea rows={4} maxLength={4000} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t("common.save")}
          </Button>
          <Button htmlType="button" onClick={() => navigate(base ? `/accounts/${base.data.id}` : "/accounts")}>
            {t("common.cancel")}
          </Button>
        </Space>
      </Form>
      <ConflictDialog
        open={conflict !== null}
        currentVersion={conflict?.currentVersion}
        busy={conflictBusy}
        onReload={reload}
        onOverwrite={overwrite}
        onCancel={() => setConflict(null)}
      />
    </Card>
  );
}
