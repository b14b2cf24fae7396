import { Alert, Button, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { confirmForgotPassword, forgotPassword } from "../auth/cognito";
import { ErrorAlert } from "../components/ErrorAlert";
import { PublicLayout } from "../components/PublicLayout";
import { NewPasswordFields } from "./SignInPage";

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("auth.resetTitle")}
      </Typography.Title>
      <ErrorAlert error={error} />
      {done ? (
        <Alert type="success" role="status" title={t("auth.resetDone")} style={{ marginBottom: 16 }} />
      ) : email === null ? (
        <>
          <Typography.Paragraph>{t("auth.resetIntro")}</Typography.Paragraph>
          <Form
            layout="vertical"
            requiredMark={false}
            disabled={busy}
            onFinish={({ email: entered }: { email: string }) =>
              run(async () => {
                await forgotPassword(entered.trim());
                setEmail(entered.trim());
              })
            }
          >
            <Form.Item
              label={t("auth.email")}
              name="email"
              rules={[
                { required: true, whitespace: true, message: t("auth.emailRequired") },
                { type: "email", message: t("auth.emailInvalid") },
              ]}
            >
              <Input inputMode="email" autoComplete="username" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block>
              {t("auth.sendCode")}
            </Button>
          </Form>
        </>
      ) : (
        <>
          <Alert type="info" role="status" title={t("auth.codeSent")} style={{ marginBottom: 16 }} />
          <NewPasswordFields
            busy={busy}
            submitLabel={t("auth.resetPassword")}
            onFinish={({ code, password }) =>
              run(async () => {
                await confirmForgotPassword(email, (code ?? "").trim(), password);
                setDone(true);
              })
            }
            extraFields={
              <Form.Item
                label={t("auth.code")}
                name="code"
                rules={[{ required: true, whitespace: true, message: t("auth.codeRequired") }]}
              >
                <Input autoComplete="one-time-code" inputMode="numeric" />
              </Form.Item>
            }
          />
        </>
      )}
      <Typography.Paragraph style={{ marginTop: 16 }}>
        <Link to="/signin">{t("auth.backToSignIn")}</Link>
      </Typography.Paragraph>
    </PublicLayout>
  );
}
