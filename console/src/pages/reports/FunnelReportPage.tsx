import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Locale } from "../../api/client";
import { ReportPage, ReportSection } from "./ReportPage";
import { useReportFormat } from "./useReportFormat";

export default function FunnelReportPage() {
  const { t, i18n } = useTranslation();
  const figures = useReportFormat();
  const locale = i18n.language as Locale;
  return (
    <ReportPage name="funnel" title={t("reports.funnel.title")} intro={t("reports.funnel.intro")}>
      {(report) => {
        const stageName = (stage: (typeof report.stages)[number]) => stage.names?.[locale] ?? stage.key;
        return (
          <>
            <Typography.Paragraph data-testid="funnel-total">
              {t("reports.funnel.total", { count: report.opportunities })}
            </Typography.Paragraph>
            <ReportSection
              title={t("reports.funnel.byStage")}
              testId="funnel-stages"
              chart={{
                horizontal: true,
                categories: report.stages.map(stageName),
                series: [
                  { name: t("reports.funnel.count"), values: report.stages.map((stage) => stage.count) },
                  { name: t("reports.funnel.reached"), values: report.stages.map((stage) => stage.reached) },
                ],
              }}
              rows={report.stages}
              rowKey={(stage) => stage.key}
              columns={[
                { key: "stage", title: t("reports.funnel.stage"), render: stageName },
                { key: "count", title: t("reports.funnel.count"), render: (stage) => stage.count },
                { key: "amounts", title: t("reports.funnel.amounts"), render: (stage) => figures.amounts(stage.amounts) },
                { key: "reached", title: t("reports.funnel.reached"), render: (stage) => stage.reached },
                {
                  key: "conversion",
                  title: t("reports.funnel.conversion"),
                  render: (stage) => figures.rate(stage.conversion_to_next),
                },
                { key: "lost", title: t("reports.funnel.lostHere"), render: (stage) => stage.lost_here },
              ]}
            />
            <ReportSection
              title={t("reports.funnel.lostReasons")}
              testId="funnel-reasons"
              chart={{
                horizontal: true,
                categories: report.lost_reasons.map((row) => figures.named(row.reason, "reason")),
                series: [{ name: t("reports.funnel.lost"), values: report.lost_reasons.map((row) => row.count) }],
              }}
              rows={report.lost_reasons}
              rowKey={(row) => row.reason ?? ""}
              columns={[
                { key: "reason", title: t("reports.funnel.reason"), render: (row) => figures.named(row.reason, "reason") },
                { key: "count", title: t("reports.funnel.lost"), render: (row) => row.count },
              ]}
            />
          </>
        );
      }}
    </ReportPage>
  );
}
