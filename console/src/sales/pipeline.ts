/** The sales pipeline as the console shows it: stage names in the UI language, opportunities grouped into
 * stage columns with their totals, and the rules a stage move must satisfy before it is sent. */
import type { Locale, Money, Opportunity, SalesStage } from "../api/client";

export function stageName(stage: SalesStage, locale: Locale): string {
  return stage.names[locale] ?? stage.names.en;
}

/** The name of a stage key, or the key itself for a stage the settings no longer have. */
export function stageNameOf(key: string, stages: SalesStage[], locale: Locale): string {
  const stage = stages.find((candidate) => candidate.key === key);
  return stage ? stageName(stage, locale) : key;
}

// Amounts have at most 4 decimals (the API's pattern): summing in ten-thousandths stays exact.
const SCALE = 4;

function toUnits(amount: string): bigint {
  const negative = amount.startsWith("-");
  const [whole, fraction = ""] = amount.replace(/^-/, "").split(".");
  const units = BigInt(whole || "0") * 10n ** BigInt(SCALE) + BigInt((fraction + "0000").slice(0, SCALE));
  return negative ? -units : units;
}

function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, "0");
  const whole = digits.slice(0, -SCALE);
  const fraction = digits.slice(-SCALE).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Exact sums per currency (never adding HKD to USD), in the order the currencies first appear. */
export function totalsByCurrency(amounts: Money[]): Money[] {
  const sums = new Map<string, bigint>();
  for (const money of amounts) sums.set(money.currency, (sums.get(money.currency) ?? 0n) + toUnits(money.amount));
  return [...sums].map(([currency, units]) => ({ currency, amount: fromUnits(units) }));
}

export interface StageColumn {
  stage: SalesStage;
  opportunities: Opportunity[];
  totals: Money[];
}

export interface Board {
  columns: StageColumn[];
  /** Opportunities in a stage the settings no longer list (kept visible rather than silently dropped). */
  unknownStage: Opportunity[];
}

/** One column per stage, in funnel order; each column's cards by expected close date, soonest first. */
export function groupByStage(opportunities: Opportunity[], stages: SalesStage[]): Board {
  const byStage = new Map<string, Opportunity[]>(stages.map((stage) => [stage.key, []]));
  const unknownStage: Opportunity[] = [];
  for (const opportunity of opportunities) {
    const column = byStage.get(opportunity.stage);
    if (column) column.push(opportunity);
    else unknownStage.push(opportunity);
  }
  const columns = stages.map((stage) => {
    const cards = (byStage.get(stage.key) ?? []).sort(
      (a, b) => a.expected_close_date.localeCompare(b.expected_close_date) || a.name.localeCompare(b.name),
    );
    return { stage, opportunities: cards, totals: totalsByCurrency(cards.map((card) => card.amount)) };
  });
  return { columns, unknownStage };
}

export const LOST_REASON_MAX = 500;

export type StageMoveProblem = "lostReasonRequired" | "lostReasonTooLong" | "sameStage" | "reopenRequired";

/** What stops a move before it is sent: the API would refuse it the same way (422 / 409). */
export function stageMoveProblem(
  opportunity: Pick<Opportunity, "stage" | "status">,
  target: SalesStage,
  lostReason: string | null | undefined,
  reopen: boolean,
): StageMoveProblem | null {
  if (target.key === opportunity.stage) return "sameStage";
  if (opportunity.status !== "open" && !reopen) return "reopenRequired";
  if (target.kind === "lost") {
    const reason = (lostReason ?? "").trim();
    if (!reason) return "lostReasonRequired";
    if (reason.length > LOST_REASON_MAX) return "lostReasonTooLong";
  }
  return null;
}

/** The stage after this one in the funnel among open stages, then won; none once closed. */
export function nextStage(current: string, stages: SalesStage[]): SalesStage | undefined {
  const progress = stages.filter((stage) => stage.kind !== "lost");
  const at = progress.findIndex((stage) => stage.key === current);
  return at >= 0 ? progress[at + 1] : undefined;
}
