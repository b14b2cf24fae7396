/** A report's range and filter as URL parameters (`from`, `to`, `by`, `value`), and as the API's query. */
import type { Me, ReportQuery } from "../../api/client";

/** The dimensions the API filters on, one at a time. */
export const FILTER_KINDS = ["branch", "team", "owner_user_id", "business_line"] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

/** Managers and sales see their team's figures (the API's default for them) or their own. */
export type OwnScope = "team" | "mine";

export interface ReportParams {
  from: string;
  to: string;
  by: FilterKind | "";
  value: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`;
}

export function shiftMonth(month: string, months: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The URL's parameters; by default the twelve months up to this one, no filter. */
export function readParams(search: URLSearchParams, today: Date = new Date()): ReportParams {
  const to = MONTH.test(search.get("to") ?? "") ? (search.get("to") as string) : monthOf(today);
  const from = MONTH.test(search.get("from") ?? "") ? (search.get("from") as string) : shiftMonth(to, -11);
  const by = search.get("by") ?? "";
  const value = (search.get("value") ?? "").trim();
  return FILTER_KINDS.includes(by as FilterKind) && value ? { from, to, by: by as FilterKind, value } : { from, to, by: "", value: "" };
}

export function writeParams(params: ReportParams): URLSearchParams {
  const search = new URLSearchParams({ from: params.from, to: params.to });
  if (params.by && params.value) {
    search.set("by", params.by);
    search.set("value", params.value);
  }
  return search;
}

export function reportQuery(params: ReportParams): ReportQuery {
  const query: ReportQuery = { from: params.from, to: params.to };
  if (params.by && params.value) query[params.by] = params.value;
  return query;
}

/** Whether the caller reads only their team's or their own figures (record visibility: auth/visibility.py). */
export function teamScoped(me: Me): boolean {
  return me.kind === "user" && (me.role === "manager" || me.role === "sales" || me.role === "staff");
}

/** A team-scoped caller's choice as URL parameters: "mine" is their own records, "team" the API's default. */
export function ownScopeParams(me: Me, scope: OwnScope): Pick<ReportParams, "by" | "value"> {
  return scope === "mine" && me.user ? { by: "owner_user_id", value: me.user.id } : { by: "", value: "" };
}
