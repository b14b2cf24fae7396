import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type Role, type User, type UserInvite, type UserPatch } from "../api/client";
import { problemMessage } from "../api/problemMessages";
import { useApi, useMe } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { useDialogSave } from "../forms/useDialogSave";
import { useIdempotencyKey } from "../forms/useIdempotencyKey";
import { LOCALES } from "../i18n";

const ROLES: Role[] = ["owner", "admin", "partner", "manager", "finance", "sales", "staff"];
const INVITE_FIELDS = ["name", "email", "role", "locale"].map((name) => [name]);
const USERS_KEY = ["users", "list"];

export default function UsersPage() {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [inviting, setInviting] = useState(false);
  const [pendingUser, setPendingUser] = useState<string | null>(null);
  const users = useQuery({ queryKey: USERS_KEY, queryFn: () => api.users.list() });
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`users.roles.${role}`) }));

  const change = async (user: User, patch: UserPatch, doneKey: string) => {
    setPendingUser(user.id);
    try {
      await api.users.update(user, patch);
      void message.success(t(doneKey));
    } catch (error) {
      void message.error(problemMessage(error, t));
    } finally {
      setPendingUser(null);
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    }
  };

  // Sales, managers and staff see their team's records: an empty box takes the user out of their team.
  const commitTeam = (user: User, value: string) => {
    const team = value.trim() || null;
    if (team !== (user.team ?? null)) void change(user, { team }, "users.teamChanged");
  };

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("users.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => setInviting(true)}>
          {t("users.invite")}
        </Button>
      </Flex>
      <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
      <Table<User>
        rowKey="id"
        loading={users.isFetching}
        dataSource={users.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t("users.empty")}</Typography.Text> }}
        columns={[
          {
            title: t("users.name"),
            dataIndex: "name",
            render: (name: string, user) => (user.id === me.user?.id ? `${name} ${t("users.you")}` : name),
          },
          { title: t("users.email"), dataIndex: "email" },
          {
            title: t("users.role"),
            dataIndex: "role",
            render: (role: Role, user) => (
              <Select<Role>
                aria-label={t("users.roleOf", { name: user.name })}
                value={role}
                options={roleOptions}
                style={{ minWidth: 130 }}
                disabled={user.id === me.user?.id || pendingUser === user.id}
                loading={pendingUser === user.id}
                onChange={(next) => change(user, { role: next }, "users.roleChanged")}
              />
            ),
          },
          {
            title: t("users.team"),
            dataIndex: "team",
            render: (team: string | null | undefined, user) => (
              <Input
                key={`${user.id}-${user.version}`}
                aria-label={t("users.teamOf", { name: user.name })}
                defaultValue={team ?? ""}
                placeholder={t("users.noTeam")}
                maxLength={80}
                style={{ minWidth: 130 }}
                disabled={pendingUser === user.id}
                onBlur={(event) => commitTeam(user, event.target.value)}
                onPressEnter={(event) => commitTeam(user, event.currentTarget.value)}
              />
            ),
          },
          {
            title: t("users.status"),
            dataIndex: "status",
            render: (status: User["status"]) => (
              <Tag variant={status === "active" ? "outlined" : "filled"}>
                {t(`users.statuses.${status}`)}
              </Tag>
            ),
          },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, user) =>
              user.id === me.user?.id ? null : user.status === "disabled" ? (
                <Button
                  loading={pendingUser === user.id}
                  onClick={() => change(user, { status: "active" }, "users.enabled_message")}
                >
                  {t("users.enable")}
                </Button>
              ) : (
                <Button
                  danger
                  loading={pendingUser === user.id}
                  onClick={() => change(user, { status: "disabled" }, "users.disabled_message")}
                >
                  {t("users.disable")}
                </Button>
              ),
          },
        ]}
      />
      <InviteDialog
        open={inviting}
        onClose={() => setInviting(false)}
        onInvited={() => {
          setInviting(false);
          void message.success(t("users.invited_message"));
          void queryClient.invalidateQueries({ queryKey: USERS_KEY });
        }}
        roleOptions={roleOptions}
      />
    </>
  );
}

function InviteDialog({
  open,
  onClose,
  onInvited,
  roleOptions,
}: {
  open: boolean;
  onClose: () => void;
  onInvited: () => void;
  roleOptions: { value: Role; label: string }[];
}) {
  const { t } = useTranslation();
  const api = useApi();
  const me = useMe();
  const [form] = Form.useForm<UserInvite>();
  const saving = useDialogSave(form, INVITE_FIELDS);
  const idempotencyKey = useIdempotencyKey();

  const submit = (values: UserInvite) => {
    const invite = { ...values, name: values.name.trim(), email: values.email.trim() };
    return saving.run(
      () => api.users.invite(invite, idempotencyKey(invite)),
      () => {
        form.resetFields();
        onInvited();
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t("users.inviteTitle")}
      onCancel={onClose}
      destroyOnHidden
      onOk={() => form.submit()}
      okText={t("users.sendInvitation")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: saving.busy }}
      cancelButtonProps={{ disabled: saving.busy }}
    >
      <ErrorAlert error={saving.problems.formError} />
      <Form<UserInvite>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={saving.busy}
        onFinish={submit}
        initialValues={{ role: "staff", locale: me.tenant.locale }}
      >
        <Form.Item label={t("users.name")} name="name" rules={[{ required: true, whitespace: true, message: t("signup.required") }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          label={t("users.email")}
          name="email"
          rules={[
            { required: true, whitespace: true, message: t("auth.emailRequired") },
            { type: "email", message: t("auth.emailInvalid") },
          ]}
        >
          <Input inputMode="email" maxLength={254} />
        </Form.Item>
        <Form.Item label={t("users.role")} name="role" rules={[{ required: true }]}>
          <Select options={roleOptions} />
        </Form.Item>
        <Form.Item label={t("users.invitationLanguage")} name="locale">
          <Select options={LOCALES.map((code) => ({ value: code, label: t(`language.${code}`) }))} />
        </Form.Item>
        {/* Enter in a field submits, as in every other form. */}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
}
