import { Button, Form, Input, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { completeNewPassword, signIn } from "../auth/cognito";
import { ErrorAlert } from "../components/ErrorAlert";
import { PublicLayout } from "../components/PublicLayout";

interface Challenge {
  username: string;
  challengeSession: string;
}

export default function SignInPage() {
  const { tokens } = useAuth();
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/accounts";
  if (tokens) return <Navigate to={from} replace />;
  return (
    <PublicLayout>
      {challenge ? <NewPasswordStep challenge={challenge} then={from} /> : <SignInForm onChallenge={setChallenge} then={from} />}
    </PublicLayout>
  );
}

export function SignInForm({ onChallenge, then }: { onChallenge: (challenge: Challenge) => void; then: string }) {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ email, password }: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const result = await signIn(email.trim(), password);
      if (result.kind === "newPasswordRequired") onChallenge(result);
      else {
        signedIn(result.tokens);
        navigate(then, { replace: true });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("auth.signInTitle")}
      </Typography.Title>
      <ErrorAlert error={error} />
      <Form layout="vertical" onFinish={submit} requiredMark={false} disabled={busy}>
        <Form.Item
          label={t("auth.email")}
          name="email"
          rules={[
            { required: true, whitespace: true, message: t("auth.emailRequired") },
            { type: "email", message: t("auth.emailInvalid") },
          ]}
        >
          <Input autoComplete="username" inputMode="email" />
        </Form.Item>
        <Form.Item label={t("auth.password")} name="password" rules={[{ required: true, message: t("auth.passwordRequired") }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t("auth.signIn")}
        </Button>
      </Form>
      <Space style={{ marginTop: 16, justifyContent: "space-between", width: "100%" }}>
        <Link to="/forgot-password">{t("auth.forgotPassword")}</Link>
        <Link to="/signup">{t("auth.createWorkspace")}</Link>
      </Space>
    </>
  );
}

function NewPasswordStep({ challenge, then }: { challenge: Challenge; then: string }) {
  const { t } = useTranslation();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ password }: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await completeNewPassword(challenge.username, challenge.challengeSession, password));
      navigate(then, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t("auth.newPasswordTitle")}
      </Typography.Title>
      <Typography.Paragraph>{t("auth.newPasswordIntro")}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <NewPasswordFields busy={busy} onFinish={submit} submitLabel={t("auth.setPassword")} />
    </>
  );
}

/** New password + confirmation, shared by the first sign-in and the password reset. */
export function NewPasswordFields({
  busy,
  onFinish,
  submitLabel,
  extraFields,
}: {
  busy: boolean;
  onFinish: (values: { password: string; code?: string }) => void;
  submitLabel: string;
  extraFields?: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Form layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy}>
      {extraFields}
      <Form.Item
        label={t("auth.newPassword")}
        name="password"
        rules={[
          { required: true, message: t("auth.passwordRequired") },
          { min: 8, message: t("auth.passwordTooShort") },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t("auth.confirmPassword")}
        name="confirm"
        dependencies={["password"]}
        rules={[
          { required: true, message: t("auth.passwordRequired") },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue("password") === value
                ? Promise.resolve()
                : Promise.reject(new Error(t("auth.passwordsDiffer"))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block>
        {submitLabel}
      </Button>
    </Form>
  );
}
