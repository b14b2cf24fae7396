import { useTranslation } from "react-i18next";
import type { Money } from "../../api/client";
import { useTenantFormat } from "../../format/useTenantFormat";

/** How report figures read: amounts per currency, rates as percentages, missing values named. */
export function useReportFormat() {
  const { t } = useTranslation();
  const format = useTenantFormat();
  const percent = new Intl.NumberFormat(format.locale, { style: "percent", maximumFractionDigits: 1 });
  const decimal = new Intl.NumberFormat(format.locale, { maximumFractionDigits: 1 });
  return {
    amounts: (amounts: Money[]) => (amounts.length ? amounts.map(format.amount).join(" · ") : "—"),
    rate: (rate: number | null | undefined) => (rate === null || rate === undefined ? "—" : percent.format(rate)),
    days: (days: number | null | undefined) => (days === null || days === undefined ? "—" : decimal.format(days)),
    /** A grouping value, or the words for records without one (`reports.none.{kind}`). */
    named: (value: string | null | undefined, kind: "region" | "branch" | "businessLine" | "owner" | "reason") =>
      value ? value : t(`reports.none.${kind}`),
  };
}
