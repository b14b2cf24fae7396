import { useTranslation } from "react-i18next";
import { ReportPage, ReportSection } from "./ReportPage";
import { useReportFormat } from "./useReportFormat";

export default function LeadConversionReportPage() {
  const { t } = useTranslation();
  const figures = useReportFormat();
  return (
    <ReportPage name="lead-conversion" title={t("reports.leadConversion.title")} intro={t("reports.leadConversion.intro")}>
      {(report) => {
        const months = [...new Set(report.by_month.map((row) => row.period ?? ""))];
        const monthly = (pick: "leads" | "converted") =>
          months.map((month) => report.by_month.filter((row) => row.period === month).reduce((sum, row) => sum + row[pick], 0));
        const region = (row: { region?: string | null }) => figures.named(row.region, "region");
        return (
          <>
            <ReportSection
              title={t("reports.leadConversion.byRegion")}
              testId="conversion-regions"
              chart={{
                categories: report.by_region.map(region),
                series: [
                  { name: t("reports.leadConversion.leads"), values: report.by_region.map((row) => row.leads) },
                  { name: t("reports.leadConversion.converted"), values: report.by_region.map((row) => row.converted) },
                ],
              }}
              rows={report.by_region}
              rowKey={(row) => row.region ?? ""}
              columns={[
                { key: "region", title: t("sales.region"), render: region },
                { key: "leads", title: t("reports.leadConversion.leads"), render: (row) => row.leads },
                { key: "converted", title: t("reports.leadConversion.converted"), render: (row) => row.converted },
                { key: "rate", title: t("reports.leadConversion.rate"), render: (row) => figures.rate(row.conversion_rate) },
              ]}
            />
            <ReportSection
              title={t("reports.leadConversion.byMonth")}
              testId="conversion-months"
              chart={{
                categories: months,
                series: [
                  { name: t("reports.leadConversion.leads"), values: monthly("leads") },
                  { name: t("reports.leadConversion.converted"), values: monthly("converted") },
                ],
              }}
              rows={report.by_month}
              rowKey={(row) => `${row.period}|${row.region ?? ""}`}
              columns={[
                { key: "month", title: t("reports.month"), render: (row) => row.period ?? "" },
                { key: "region", title: t("sales.region"), render: region },
                { key: "leads", title: t("reports.leadConversion.leads"), render: (row) => row.leads },
                { key: "converted", title: t("reports.leadConversion.converted"), render: (row) => row.converted },
                { key: "rate", title: t("reports.leadConversion.rate"), render: (row) => figures.rate(row.conversion_rate) },
              ]}
            />
          </>
        );
      }}
    </ReportPage>
  );
}
