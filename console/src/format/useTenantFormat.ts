import { useTranslation } from "react-i18next";
import type { Locale } from "../api/client";
import { useMe } from "../auth/AuthProvider";
import { formatDate, formatDateTime, formatMoney, formatMoneyAmount } from "./tenantFormat";

/** Formatters bound to the tenant's currency and time zone and the UI's current language. */
export function useTenantFormat() {
  const { tenant } = useMe();
  const { i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return {
    money: (amount: number) => formatMoney(amount, tenant.base_currency, locale),
    amount: (money: { amount: string; currency: string }) => formatMoneyAmount(money, locale),
    currency: tenant.base_currency,
    locale,
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, tenant.time_zone, locale),
    date: (iso: string | null | undefined) => formatDate(iso, tenant.time_zone, locale),
  };
}
