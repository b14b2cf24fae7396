import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider, Skeleton } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import zhTW from "antd/locale/zh_TW";
import { lazy, type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import type { Locale } from "./api/client";
import { ApiError } from "./api/problem";
import { AuthProvider } from "./auth/AuthProvider";

const ANTD_LOCALES = { en: enUS, "zh-Hant": zhTW, "zh-Hans": zhCN };

// One chunk per screen: the sign-in page does not pay for the accounts pages and vice versa.
const SignInPage = lazy(() => import("./pages/SignInPage"));
const SignupPage = lazy(() => import("./pages/SignupPage"));
const ForgotPasswordPage = lazy(() => import("./pages/ForgotPasswordPage"));
const AppShell = lazy(() => import("./layout/AppShell"));
const AccountsListPage = lazy(() => import("./pages/accounts/AccountsListPage"));
const AccountDetailPage = lazy(() => import("./pages/accounts/AccountDetailPage"));
const AccountFormPage = lazy(() => import("./pages/accounts/AccountFormPage"));
const ContactsListPage = lazy(() => import("./pages/contacts/ContactsListPage"));
const ContactFormPage = lazy(() => import("./pages/contacts/ContactFormPage"));
const LeadsListPage = lazy(() => import("./pages/leads/LeadsListPage"));
const LeadDetailPage = lazy(() => import("./pages/leads/LeadDetailPage"));
const LeadFormPage = lazy(() => import("./pages/leads/LeadFormPage"));
const OpportunitiesListPage = lazy(() => import("./pages/opportunities/OpportunitiesListPage"));
const PipelinePage = lazy(() => import("./pages/opportunities/PipelinePage"));
const OpportunityDetailPage = lazy(() => import("./pages/opportunities/OpportunityDetailPage"));
const OpportunityFormPage = lazy(() => import("./pages/opportunities/OpportunityFormPage"));
const ActivitiesPage = lazy(() => import("./pages/activities/ActivitiesPage"));
const SalesStagesPage = lazy(() => import("./pages/settings/SalesStagesPage"));
const AssignmentRulesPage = lazy(() => import("./pages/settings/AssignmentRulesPage"));
const ScorecardSettingsPage = lazy(() => import("./pages/settings/ScorecardSettingsPage"));
const QuoteSettingsPage = lazy(() => import("./pages/settings/QuoteSettingsPage"));
const ImportWizardPage = lazy(() => import("./pages/imports/ImportWizardPage"));
const ImportJobPage = lazy(() => import("./pages/imports/ImportJobPage"));
// The reports chunks carry ECharts; nothing else imports them, so the first load does not.
const FunnelReportPage = lazy(() => import("./pages/reports/FunnelReportPage"));
const LeadConversionReportPage = lazy(() => import("./pages/reports/LeadConversionReportPage"));
const SalesCycleReportPage = lazy(() => import("./pages/reports/SalesCycleReportPage"));
const BranchReportPage = lazy(() => import("./pages/reports/BranchReportPage"));
const UsersPage = lazy(() => import("./pages/UsersPage"));
const ApiKeysPage = lazy(() => import("./pages/ApiKeysPage"));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage"));

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Retrying a refusal (4xx) cannot succeed; a network blip or 5xx may.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
    },
  });
}

const queryClient = newQueryClient();

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Skeleton active style={{ padding: 24 }} />}>{children}</Suspense>;
}

export function Providers({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={ANTD_LOCALES[i18n.language as Locale] ?? enUS}
      // Darker than antd's defaults so links and secondary text meet WCAG AA contrast (4.5:1) on white.
      theme={{
        token: {
          colorPrimary: "#1f5fa8",
          colorLink: "#1f5fa8",
          colorTextSecondary: "rgba(0, 0, 0, 0.65)",
          colorTextDescription: "rgba(0, 0, 0, 0.65)",
          // antd's red (#ff4d4f) is 3.4:1 on white: danger buttons and error text need red-7 for 4.5:1.
          colorError: "#cf1322",
          // A Select's placeholder is real text (axe checks it): 0.55 black is 4.6:1 on white, antd's 0.25 is not.
          colorTextPlaceholder: "rgba(0, 0, 0, 0.55)",
          // No fades or zooms: a half-faded dialog is unreadable for a moment, and work tools need no show.
          motion: false,
        },
      }}
      // antd would show "保存" as "保 存": the accessible name must be the word itself.
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>{children}</AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export default function App() {
  return (
    <Providers>
      <BrowserRouter>
        <Routes>
          <Route path="/signin" element={<Page><SignInPage /></Page>} />
          <Route path="/signup" element={<Page><SignupPage /></Page>} />
          <Route path="/forgot-password" element={<Page><ForgotPasswordPage /></Page>} />
          <Route element={<Page><AppShell /></Page>}>
            <Route index element={<Navigate to="/accounts" replace />} />
            <Route path="/accounts" element={<Page><AccountsListPage /></Page>} />
            <Route path="/accounts/new" element={<Page><AccountFormPage /></Page>} />
            <Route path="/accounts/:accountId" element={<Page><AccountDetailPage /></Page>} />
            <Route path="/accounts/:accountId/edit" element={<Page><AccountFormPage /></Page>} />
            <Route path="/contacts" element={<Page><ContactsListPage /></Page>} />
            <Route path="/contacts/new" element={<Page><ContactFormPage /></Page>} />
            <Route path="/contacts/:contactId/edit" element={<Page><ContactFormPage /></Page>} />
            <Route path="/leads" element={<Page><LeadsListPage /></Page>} />
            <Route path="/leads/new" element={<Page><LeadFormPage /></Page>} />
            <Route path="/leads/:leadId" element={<Page><LeadDetailPage /></Page>} />
            <Route path="/leads/:leadId/edit" element={<Page><LeadFormPage /></Page>} />
            <Route path="/opportunities" element={<Page><OpportunitiesListPage /></Page>} />
            <Route path="/opportunities/new" element={<Page><OpportunityFormPage /></Page>} />
            <Route path="/opportunities/:opportunityId" element={<Page><OpportunityDetailPage /></Page>} />
            <Route path="/opportunities/:opportunityId/edit" element={<Page><OpportunityFormPage /></Page>} />
            <Route path="/activities" element={<Page><ActivitiesPage /></Page>} />
            <Route path="/pipeline" element={<Page><PipelinePage /></Page>} />
            <Route path="/reports" element={<Navigate to="/reports/funnel" replace />} />
            <Route path="/reports/funnel" element={<Page><FunnelReportPage /></Page>} />
            <Route path="/reports/lead-conversion" element={<Page><LeadConversionReportPage /></Page>} />
            <Route path="/reports/sales-cycle" element={<Page><SalesCycleReportPage /></Page>} />
            <Route path="/reports/branches" element={<Page><BranchReportPage /></Page>} />
            <Route path="/settings/sales-stages" element={<Page><SalesStagesPage /></Page>} />
            <Route path="/settings/assignment-rules" element={<Page><AssignmentRulesPage /></Page>} />
            <Route path="/settings/scorecard" element={<Page><ScorecardSettingsPage /></Page>} />
            <Route path="/settings/quotes" element={<Page><QuoteSettingsPage /></Page>} />
            <Route path="/imports/new" element={<Page><ImportWizardPage /></Page>} />
            <Route path="/imports/:importId" element={<Page><ImportJobPage /></Page>} />
            <Route path="/users" element={<Page><UsersPage /></Page>} />
            <Route path="/api-keys" element={<Page><ApiKeysPage /></Page>} />
            <Route path="*" element={<Page><NotFoundPage /></Page>} />
          </Route>
        </Routes>
      </BrowserRouter>
    </Providers>
  );
}
