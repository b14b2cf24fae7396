import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { ReportPage, ReportSection } from "./ReportPage";
import { useReportFormat } from "./useReportFormat";

export default function BranchReportPage() {
  const { t } = useTranslation();
  const figures = useReportFormat();
  return (
    <ReportPage name="branches" title={t("reports.branches.title")} intro={t("reports.branches.intro")}>
      {(report) => {
        const branch = (row: { branch?: string | null }) => figures.named(row.branch, "branch");
        const now = t("reports.branches.period", { from: report.from, to: report.to });
        const before = t("reports.branches.period", { from: report.previous_from, to: report.previous_to });
        return (
          <>
            <Typography.Paragraph>{t("reports.branches.comparing", { now, before })}</Typography.Paragraph>
            <ReportSection
              title={t("reports.branches.won")}
              testId="branches-won"
              chart={{
                horizontal: true,
                categories: report.branches.map(branch),
                series: [
                  { name: now, values: report.branches.map((row) => row.current.won_count) },
                  { name: before, values: report.branches.map((row) => row.previous_year.won_count) },
                ],
              }}
              rows={report.branches}
              rowKey={(row) => row.branch ?? ""}
              columns={[
                { key: "branch", title: t("reports.filters.branch"), render: branch },
                { key: "won", title: t("reports.branches.wonCount"), render: (row) => row.current.won_count },
                { key: "amounts", title: t("reports.branches.wonAmounts"), render: (row) => figures.amounts(row.current.won_amounts) },
                { key: "before", title: t("reports.branches.wonCountBefore"), render: (row) => row.previous_year.won_count },
                {
                  key: "amountsBefore",
                  title: t("reports.branches.wonAmountsBefore"),
                  render: (row) => figures.amounts(row.previous_year.won_amounts),
                },
              ]}
            />
            <ReportSection
              title={t("reports.branches.newLeads")}
              testId="branches-leads"
              chart={{
                horizontal: true,
                categories: report.branches.map(branch),
                series: [
                  { name: now, values: report.branches.map((row) => row.current.new_leads) },
                  { name: before, values: report.branches.map((row) => row.previous_year.new_leads) },
                ],
              }}
              rows={report.branches}
              rowKey={(row) => row.branch ?? ""}
              columns={[
                { key: "branch", title: t("reports.filters.branch"), render: branch },
                { key: "leads", title: t("reports.branches.newLeadsNow"), render: (row) => row.current.new_leads },
                { key: "before", title: t("reports.branches.newLeadsBefore"), render: (row) => row.previous_year.new_leads },
              ]}
            />
          </>
        );
      }}
    </ReportPage>
  );
}
