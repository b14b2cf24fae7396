import {
  AppstoreOutlined,
  BarChartOutlined,
  BranchesOutlined,
  ContactsOutlined,
  FieldTimeOutlined,
  FunnelPlotOutlined,
  ImportOutlined,
  KeyOutlined,
  OrderedListOutlined,
  PercentageOutlined,
  ProjectOutlined,
  RiseOutlined,
  ShopOutlined,
  ScheduleOutlined,
  TeamOutlined,
  TrophyOutlined,
  InteractionOutlined,
} from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Layout, Menu, type MenuProps, Skeleton, Space, Typography } from "antd";
import { type ReactNode, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import type { Locale, Me } from "../api/client";
import { ME_QUERY_KEY, MeContext, useAuth, useMeQuery } from "../auth/AuthProvider";
import { ErrorAlert } from "../components/ErrorAlert";
import { LanguageSelect } from "../components/LanguageSelect";
import { NotificationBell } from "../components/NotificationBell";
import { applyLocale } from "../i18n";

interface NavigationItem {
  path: string;
  labelKey: string;
  permission: string;
  icon: ReactNode;
}

interface NavigationSection {
  /** No label: items shown at the top level. */
  labelKey?: string;
  items: NavigationItem[];
}

const NAVIGATION: NavigationSection[] = [
  { items: [{ path: "/accounts", labelKey: "nav.accounts", permission: "accounts:read", icon: <AppstoreOutlined /> }] },
  {
    labelKey: "nav.sales",
    items: [
      { path: "/leads", labelKey: "nav.leads", permission: "leads:read", icon: <RiseOutlined /> },
      { path: "/pipeline", labelKey: "nav.pipeline", permission: "opportunities:read", icon: <FunnelPlotOutlined /> },
      { path: "/opportunities", labelKey: "nav.opportunities", permission: "opportunities:read", icon: <ProjectOutlined /> },
      { path: "/contacts", labelKey: "nav.contacts", permission: "contacts:read", icon: <ContactsOutlined /> },
      // Each record type's import needs its write permission; accounts come first, as the others name them.
      { path: "/imports/new", labelKey: "nav.imports", permission: "accounts:write", icon: <ImportOutlined /> },
      { path: "/activities", labelKey: "nav.activities", permission: "activities:read", icon: <ScheduleOutlined /> },
    ],
  },
  {
    labelKey: "nav.reports",
    items: [
      { path: "/reports/funnel", labelKey: "nav.funnelReport", permission: "reports:read", icon: <BarChartOutlined /> },
      {
        path: "/reports/lead-conversion",
        labelKey: "nav.leadConversionReport",
        permission: "reports:read",
        icon: <InteractionOutlined />,
      },
      { path: "/reports/sales-cycle", labelKey: "nav.salesCycleReport", permission: "reports:read", icon: <FieldTimeOutlined /> },
      { path: "/reports/branches", labelKey: "nav.branchReport", permission: "reports:read", icon: <ShopOutlined /> },
    ],
  },
  {
    labelKey: "nav.settings",
    items: [
      { path: "/settings/sales-stages", labelKey: "nav.salesStages", permission: "sales-settings:manage", icon: <OrderedListOutlined /> },
      {
        path: "/settings/assignment-rules",
        labelKey: "nav.assignmentRules",
        permission: "sales-settings:manage",
        icon: <BranchesOutlined />,
      },
      { path: "/settings/scorecard", labelKey: "nav.scorecard", permission: "sales-settings:manage", icon: <TrophyOutlined /> },
      { path: "/settings/quotes", labelKey: "nav.quoteSettings", permission: "sales-settings:manage", icon: <PercentageOutlined /> },
      { path: "/users", labelKey: "nav.users", permission: "users:manage", icon: <TeamOutlined /> },
      { path: "/api-keys", labelKey: "nav.apiKeys", permission: "api-keys:manage", icon: <KeyOutlined /> },
    ],
  },
];

/** The sections and items the permissions allow; a section with nothing allowed is left out. */
export function allowedNavigation(permissions: readonly string[]): NavigationSection[] {
  return NAVIGATION.map((section) => ({
    ...section,
    items: section.items.filter((item) => permissions.includes(item.permission)),
  })).filter((section) => section.items.length > 0);
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
  const sections = allowedNavigation(me.permissions);
  const selected = sections
    .flatMap((section) => section.items)
    .find((item) => location.pathname.startsWith(item.path))?.path;

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
        {me.kind === "user" && <NotificationBell />}
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
              items={sections.flatMap((section): NonNullable<MenuProps["items"]> => {
                const links = section.items.map((item) => ({
                  key: item.path,
                  icon: item.icon,
                  label: <Link to={item.path}>{t(item.labelKey)}</Link>,
                }));
                return section.labelKey
                  ? [{ type: "group" as const, key: section.labelKey, label: t(section.labelKey), children: links }]
                  : links;
              })}
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
