/** Money and dates as the tenant sees them: its base currency and time zone, in the user's language. */
import type { Locale } from "../api/client";

const INTL_LOCALE: Record<Locale, string> = { en: "en-GB", "zh-Hant": "zh-Hant-HK", "zh-Hans": "zh-Hans-CN" };

export function intlLocale(locale: Locale): string {
  return INTL_LOCALE[locale] ?? "en-GB";
}

export function formatMoney(amount: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency }).format(amount);
}

/** A decimal-string amount in its own currency, formatted exactly (Intl reads the string, no float). */
export function formatMoneyAmount(money: { amount: string; currency: string }, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency: money.currency }).format(
    money.amount as Intl.StringNumericLiteral,
  );
}

/** An API timestamp (UTC ISO 8601) as a date and time in the tenant's zone; "" for a missing value. */
export function formatDateTime(iso: string | null | undefined, timeZone: string, locale: Locale): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    date,
  );
}

export function formatDate(iso: string | null | undefined, timeZone: string, locale: Locale): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone }).format(date);
}
