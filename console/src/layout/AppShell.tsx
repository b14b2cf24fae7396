import { AppstoreOutlined, KeyOutlined, TeamOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Layout, Menu, Skeleton, Space, Typography } from "antd";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import type { Locale, Me } from "../api/client";
import { ME_QUERY_KEY, MeContext, useAuth, useMeQuery } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { LanguageSelect } from "../components/LanguageSelect";
import { applyLocale } from "../i18n";

const NAVIGATION = [
  { path: "/accounts", labelKey: "nav.accounts", permission: "accounts:read", icon: <AppstoreOutlined /> },
  { path: "/users", labelKey: "nav.users", permission: "users:manage", icon: <TeamOutlined /> },
  { path: "/api-keys", labelKey: "nav.apiKeys", permission: "api-keys:manage", icon: <KeyOutlined /> },
] as const;

export function allowedNavigation(permissions: readonly string[]) {
  return NAVIGATION.filter((item) => permissions.includes(item.permission));
}

export default function AppShell() {
  const { t } = useTranslation();
  const { tokens, signOut } = useAuth();
  const location = useLocation();
  const me = useMeQuery();
  const localeApplied = useRef(false);

  useEffect(() => {
    // The language saved in the profile wins once per sign-in; later switches apply directly.
    if (me.data && !localeApplied.current) {
      localeApplied.current = true;
      void applyLocale(me.data.locale);
    }
  }, [me.data]);

  if (!tokens) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  if (me.isPending) {
    return (
      <main style={{ padding: 48 }} aria-busy="true">
        <Skeleton active paragraph={{ rows: 8 }} />
      </main>
    );
  }
  if (me.error || !me.data) {
    return (
      <main style={{ padding: 48 }}>
        <Space direction="vertical">
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            {t("errors.title")}
          </Typography.Title>
          <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
          <Button onClick={signOut}>{t("nav.signOut")}</Button>
        </Space>
      </main>
    );
  }
  return (
    <MeContext.Provider value={me.data}>
      <Shell me={me.data} />
    </MeContext.Provider>
  );
}

function Shell({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { api, signOut } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const location = useLocation();
  const navigate = useNavigate();
  const items = allowedNavigation(me.permissions);
  const selected = items.find((item) => location.pathname.startsWith(item.path))?.path;

  const saveLocale = async (locale: Locale) => {
    try {
      await api.me.setLocale(locale);
      queryClient.setQueryData<Me>(ME_QUERY_KEY, (current) => (current ? { ...current, locale } : current));
    } catch {
      void message.error(t("language.saveFailed"));
    }
  };

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <Layout.Header
        role="banner"
        style={{ display: "flex", alignItems: "center", gap: 16, background: "#fff", borderBottom: "1px solid #f0f0f0" }}
      >
        <Typography.Text strong style={{ fontSize: 18 }}>
          {t("app.name")}
        </Typography.Text>
        <Typography.Text type="secondary" data-testid="tenant-name">
          {me.tenant.name}
        </Typography.Text>
        <span style={{ flex: 1 }} />
        <LanguageSelect onChosen={saveLocale} />
        <Typography.Text>{me.user?.name}</Typography.Text>
        <Button
          onClick={() => {
            signOut();
            navigate("/signin", { replace: true });
          }}
        >
          {t("nav.signOut")}
        </Button>
      </Layout.Header>
      <Layout>
        <Layout.Sider breakpoint="md" collapsedWidth={0} theme="light" width={200}>
          <nav aria-label={t("nav.label")}>
            <Menu
              mode="inline"
              selectedKeys={selected ? [selected] : []}
              items={items.map((item) => ({
                key: item.path,
                icon: item.icon,
                label: <Link to={item.path}>{t(item.labelKey)}</Link>,
              }))}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content id="main" role="main" tabIndex={-1} style={{ padding: 24, background: "#fafafa" }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
