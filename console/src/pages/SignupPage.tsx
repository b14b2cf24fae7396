import { Alert, Button, Form, Input, Result, Select, Space, Spin, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Locale, SignupAccepted, SignupRequest } from "../api/client";
import { useApi } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { PublicLayout } from "../components/PublicLayout";
import { useProblemForm } from "../forms/useProblemForm";
import { LOCALES } from "../i18n";
import { runtimeConfig } from "../runtimeConfig";

const FIELDS = ["name", "owner_name", "owner_email", "time_zone", "base_currency", "locale"].map((name) => [name]);
const STATUS_POLL_MS = 1500;

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export default function SignupPage() {
  const [accepted, setAccepted] = useState<{ signup: SignupAccepted; email: string } | null>(null);
  return (
    <PublicLayout>
      {accepted ? <CheckYourEmail {...accepted} /> : <SignupForm onAccepted={(signup, email) => setAccepted({ signup, email })} />}
    </PublicLayout>
  );
}

function SignupForm({ onAccepted }: { onAccepted: (signup: SignupAccepted, email: string) => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<SignupRequest>();
  const { formError, unplaced, report, clear } = useProblemForm(form, FIELDS);
  const [busy, setBusy] = useState(false);

  const timeZones = useMemo(
    () => Intl.supportedValuesOf("timeZone").map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") })),
    [],
  );
  const currencies = useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: "currency" });
    return Intl.supportedValuesOf("currency").map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` }));
  }, [i18n.language]);

  const submit = async (values: SignupRequest) => {
    setBusy(true);
    clear();
    try {
      const request = { ...values, name: values.name.trim(), owner_name: values.owner_name.trim(), owner_email: values.owner_email.trim() };
      onAccepted(await api.tenants.signUp(request), request.owner_email);
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, whitespace: true, message: t("signup.required") };
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("signup.title")}
      </Typography.Title>
      <Typography.Paragraph>{t("signup.intro")}</Typography.Paragraph>
      <ErrorAlert error={formError} />
      {unplaced.length > 0 && (
        <Alert type="warning" role="alert" title={unplaced.map((item) => item.message).join(" ")} style={{ marginBottom: 16 }} />
      )}
      <Form<SignupRequest>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={busy}
        onFinish={submit}
        initialValues={{ time_zone: browserTimeZone(), base_currency: "HKD", locale: i18n.language as Locale }}
      >
        <Form.Item label={t("signup.firmName")} name="name" rules={[required, { max: 200 }]}>
          <Input autoComplete="organization" maxLength={200} />
        </Form.Item>
        <Form.Item label={t("signup.ownerName")} name="owner_name" rules={[required, { max: 100 }]}>
          <Input autoComplete="name" maxLength={100} />
        </Form.Item>
        <Form.Item
          label={t("signup.email")}
          name="owner_email"
          rules={[required, { type: "email", message: t("auth.emailInvalid") }]}
        >
          <Input inputMode="email" autoComplete="email" maxLength={254} />
        </Form.Item>
        <Form.Item label={t("signup.timeZone")} name="time_zone" rules={[required]}>
          <Select showSearch={{ optionFilterProp: "label" }} options={timeZones} />
        </Form.Item>
        <Form.Item label={t("signup.baseCurrency")} name="base_currency" rules={[required]}>
          <Select showSearch={{ optionFilterProp: "label" }} options={currencies} />
        </Form.Item>
        <Form.Item label={t("signup.language")} name="locale" rules={[required]}>
          <Select options={LOCALES.map((code) => ({ value: code, label: t(`language.${code}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t("signup.submit")}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16 }}>
        {t("signup.haveAccount")} <Link to="/signin">{t("signup.signIn")}</Link>
      </Typography.Paragraph>
    </>
  );
}

function CheckYourEmail({ signup, email }: { signup: SignupAccepted; email: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const mailboxUrl = runtimeConfig().mailbox_url;
  const status = useQuery({
    queryKey: ["tenant-status", signup.tenant_id],
    queryFn: () => api.tenants.status(signup.tenant_id),
    initialData: { tenant_id: signup.tenant_id, status: signup.status },
    initialDataUpdatedAt: 0,
    refetchInterval: (query) => (query.state.data?.status === "provisioning" ? STATUS_POLL_MS : false),
  });
  const current = status.data?.status ?? "provisioning";
  return (
    <Result
      status={current === "failed" ? "error" : current === "active" ? "success" : "info"}
      title={
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t("signup.checkEmailTitle")}
        </Typography.Title>
      }
      subTitle={t("signup.checkEmailText", { email })}
      extra={
        <Space direction="vertical" align="center">
          <div role="status" aria-live="polite">
            {current === "provisioning" ? (
              <Space>
                <Spin size="small" />
                {t("signup.provisioning")}
              </Space>
            ) : (
              t(current === "active" ? "signup.active" : "signup.failed")
            )}
          </div>
          {mailboxUrl && (
            <a href={mailboxUrl} target="_blank" rel="noreferrer">
              {t("signup.openMailbox")}
            </a>
          )}
          <Link to="/signin">{t("signup.signIn")}</Link>
          {status.error ? <ErrorAlert error={status.error} /> : null}
        </Space>
      }
    />
  );
}
