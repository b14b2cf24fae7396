import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useUsers } from "../../components/users";
import { ReportPage, ReportSection } from "./ReportPage";
import { useReportFormat } from "./useReportFormat";

export default function SalesCycleReportPage() {
  const { t } = useTranslation();
  const figures = useReportFormat();
  const { nameOf } = useUsers();
  return (
    <ReportPage name="sales-cycle" title={t("reports.salesCycle.title")} intro={t("reports.salesCycle.intro")}>
      {(report) => {
        const line = (row: { business_line?: string | null }) => figures.named(row.business_line, "businessLine");
        const owner = (row: { owner_user_id?: string | null }) =>
          row.owner_user_id ? nameOf(row.owner_user_id) : figures.named(null, "owner");
        const columns = [
          { key: "won", title: t("reports.salesCycle.won"), render: (row: { won: number }) => row.won },
          {
            key: "days",
            title: t("reports.salesCycle.averageDays"),
            render: (row: { average_days?: number | null }) => figures.days(row.average_days),
          },
        ];
        return (
          <>
            <Typography.Paragraph data-testid="cycle-overall">
              {t("reports.salesCycle.overall", { count: report.overall.won, days: figures.days(report.overall.average_days) })}
            </Typography.Paragraph>
            <ReportSection
              title={t("reports.salesCycle.byBusinessLine")}
              testId="cycle-lines"
              chart={{
                horizontal: true,
                categories: report.by_business_line.map(line),
                series: [{ name: t("reports.salesCycle.averageDays"), values: report.by_business_line.map((row) => row.average_days ?? null) }],
              }}
              rows={report.by_business_line}
              rowKey={(row) => row.business_line ?? ""}
              columns={[{ key: "line", title: t("sales.businessLine"), render: line }, ...columns]}
            />
            <ReportSection
              title={t("reports.salesCycle.byOwner")}
              testId="cycle-owners"
              chart={{
                horizontal: true,
                categories: report.by_owner.map(owner),
                series: [{ name: t("reports.salesCycle.averageDays"), values: report.by_owner.map((row) => row.average_days ?? null) }],
              }}
              rows={report.by_owner}
              rowKey={(row) => row.owner_user_id ?? ""}
              columns={[{ key: "owner", title: t("sales.owner"), render: owner }, ...columns]}
            />
          </>
        );
      }}
    </ReportPage>
  );
}
