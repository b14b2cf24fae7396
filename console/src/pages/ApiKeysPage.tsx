import { CopyOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Checkbox, Flex, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ApiKey, type ApiKeyInput, type CreatedApiKey, type Permission } from "../api/client";
import { useApi } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { useTenantFormat } from "../format/useTenantFormat";
import { useDialogSave } from "../forms/useDialogSave";
import { useIdempotencyKey } from "../forms/useIdempotencyKey";

// What a key may carry (servicejob.auth.permissions.API_KEY_SCOPES): data access, never administration.
const KEY_SCOPES: Permission[] = [
  "accounts:read",
  "accounts:write",
  "contacts:read",
  "contacts:write",
  "leads:read",
  "leads:write",
  "opportunities:read",
  "opportunities:write",
  "activities:read",
  "activities:write",
  "quotes:read",
  "quotes:write",
  "audit:read",
  "reports:read",
];
const KEYS_KEY = ["api-keys", "list"];

// i18next reads ":" as a namespace separator, so the catalog spells the scope with "_".
function useScopeName() {
  const { t } = useTranslation();
  return (scope: Permission) => t(`apiKeys.scopeNames.${scope.replace(/[:-]/g, "_")}`, { defaultValue: scope });
}

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const scopeName = useScopeName();
  const api = useApi();
  const format = useTenantFormat();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const keys = useQuery({ queryKey: KEYS_KEY, queryFn: () => api.apiKeys.list() });

  const revoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await api.apiKeys.revoke(revoking.id);
      setRevoking(null);
      void message.success(t("apiKeys.revoked_message"));
      void queryClient.invalidateQueries({ queryKey: KEYS_KEY });
    } catch (error) {
      setRevokeError(error);
    } finally {
      setRevokeBusy(false);
    }
  };

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("apiKeys.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t("apiKeys.create")}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary">{t("apiKeys.intro")}</Typography.Paragraph>
      <ErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />
      <Table<ApiKey>
        rowKey="id"
        loading={keys.isFetching}
        dataSource={keys.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t("apiKeys.empty")}</Typography.Text> }}
        columns={[
          { title: t("apiKeys.name"), dataIndex: "name" },
          {
            title: t("apiKeys.scopes"),
            dataIndex: "scopes",
            render: (scopes: Permission[]) => scopes.map((scope) => <Tag key={scope}>{scopeName(scope)}</Tag>),
          },
          { title: t("apiKeys.created"), dataIndex: "created_at", render: (value: string) => format.dateTime(value) },
          {
            title: t("apiKeys.lastUsed"),
            dataIndex: "last_used_at",
            render: (value: string | null) => (value ? format.dateTime(value) : t("apiKeys.never")),
          },
          {
            title: t("apiKeys.status"),
            key: "status",
            render: (_, key) =>
              key.revoked_at ? <Tag>{t("apiKeys.revoked")}</Tag> : <Tag variant="outlined">{t("apiKeys.active")}</Tag>,
          },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, key) =>
              key.revoked_at ? null : (
                <Button danger onClick={() => setRevoking(key)}>
                  {t("apiKeys.revoke")}
                </Button>
              ),
          },
        ]}
      />
      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setCreated(key);
          void queryClient.invalidateQueries({ queryKey: KEYS_KEY });
        }}
      />
      <SecretDialog created={created} onDone={() => setCreated(null)} />
      <Modal
        open={revoking !== null}
        title={t("apiKeys.revokeTitle")}
        onCancel={() => setRevoking(null)}
        footer={[
          <Button key="cancel" onClick={() => setRevoking(null)} disabled={revokeBusy}>
            {t("common.cancel")}
          </Button>,
          <Button key="revoke" danger type="primary" loading={revokeBusy} onClick={revoke}>
            {t("apiKeys.revoke")}
          </Button>,
        ]}
      >
        <ErrorAlert error={revokeError} />
        <Typography.Paragraph>{t("apiKeys.revokeText", { name: revoking?.name ?? "" })}</Typography.Paragraph>
      </Modal>
    </>
  );
}

function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}) {
  const { t } = useTranslation();
  const scopeName = useScopeName();
  const api = useApi();
  const [form] = Form.useForm<ApiKeyInput>();
  const saving = useDialogSave(form, [["name"], ["scopes"]]);
  const idempotencyKey = useIdempotencyKey();

  const submit = (values: ApiKeyInput) => {
    const input = { name: values.name.trim(), scopes: values.scopes };
    return saving.run(
      () => api.apiKeys.create(input, idempotencyKey(input)),
      (key) => {
        form.resetFields();
        onCreated(key);
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t("apiKeys.createTitle")}
      onCancel={onClose}
      destroyOnHidden
      onOk={() => form.submit()}
      okText={t("apiKeys.submit")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: saving.busy }}
      cancelButtonProps={{ disabled: saving.busy }}
    >
      <ErrorAlert error={saving.problems.formError} />
      <Form<ApiKeyInput>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={saving.busy}
        onFinish={submit}
        initialValues={{ scopes: ["accounts:read"] }}
      >
        <Form.Item label={t("apiKeys.name")} name="name" rules={[{ required: true, whitespace: true, message: t("signup.required") }]}>
          <Input maxLength={100} placeholder={t("apiKeys.namePlaceholder")} />
        </Form.Item>
        <Form.Item
          label={t("apiKeys.scopes")}
          name="scopes"
          // A validator rather than `required`: antd would put aria-required on the group, which ARIA forbids.
          rules={[
            {
              validator: (_, scopes?: Permission[]) =>
                scopes?.length ? Promise.resolve() : Promise.reject(new Error(t("apiKeys.scopesRequired"))),
            },
          ]}
        >
          <Checkbox.Group aria-label={t("apiKeys.scopes")} role="group" options={KEY_SCOPES.map((scope) => ({ value: scope, label: scopeName(scope) }))} />
        </Form.Item>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
}

/** The secret, once: it is never retrievable again, so the dialog says so and offers a copy button. */
function SecretDialog({ created, onDone }: { created: CreatedApiKey | null; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      // clipboard refused (insecure context): the read-only field stays selectable for a manual copy
      document.getElementById("api-key-secret")?.focus();
    }
  };
  return (
    <Modal
      open={created !== null}
      title={t("apiKeys.secretTitle")}
      closable={false}
      mask={{ closable: false }}
      // A closed antd modal keeps its last content in the DOM; the secret must leave the page with it.
      destroyOnHidden
      afterClose={() => setCopied(false)}
      footer={[
        <Button key="done" type="primary" onClick={onDone}>
          {t("common.done")}
        </Button>,
      ]}
    >
      <Alert type="warning" role="alert" title={t("apiKeys.secretWarning")} style={{ marginBottom: 16 }} />
      <label htmlFor="api-key-secret">
        <Typography.Text strong>{t("apiKeys.secret")}</Typography.Text>
      </label>
      <Space.Compact style={{ width: "100%", marginTop: 4 }}>
        <Input
          id="api-key-secret"
          readOnly
          value={created?.secret ?? ""}
          onFocus={(event) => event.target.select()}
          style={{ fontFamily: "monospace" }}
        />
        <Button icon={<CopyOutlined />} onClick={copy}>
          {copied ? t("common.copied") : t("common.copy")}
        </Button>
      </Space.Compact>
    </Modal>
  );
}
