import type { Locale, ScorecardFactor, ScorecardSettings, Tier } from "../api/client";

export const SCORECARD_QUERY_KEY = ["sales-settings", "scorecard"];

/** The weights entered so far (blank ones count 0): the API accepts the factors only when this is 100. */
export function weightTotal(factors: readonly ({ weight?: number | null } | undefined)[]): number {
  return factors.reduce((total, factor) => total + (factor?.weight ?? 0), 0);
}

/** Score values are tenths on the wire ("7.5"); whole tenths keep the arithmetic exact. */
function tenths(value: number | string): number {
  return Math.round(Number(value) * 10);
}

/**
 * The score the API will compute: Σ weight × score / 10, rounded half-up to one decimal (as
 * domain/scorecard.py does with Decimal). A factor without a score counts 0; no score at all gives null.
 */
export function previewScore(
  factors: readonly Pick<ScorecardFactor, "key" | "weight">[],
  scores: Readonly<Record<string, number | string | null | undefined>>,
): string | null {
  const given = factors.filter((factor) => scores[factor.key] !== null && scores[factor.key] !== undefined);
  if (given.length === 0) return null;
  // Σ weight × tenths is the score in hundredths of a point; halve up to tenths.
  const hundredths = given.reduce((sum, factor) => sum + factor.weight * tenths(scores[factor.key]!), 0);
  return (Math.floor((hundredths + 5) / 10) / 10).toFixed(1);
}

/** The tier a score falls in: at or above A's threshold is A, and so on; below C is D. */
export function tierOf(score: string, tiers: ScorecardSettings["tiers"]): Tier {
  const value = tenths(score);
  if (value >= tenths(tiers.A)) return "A";
  if (value >= tenths(tiers.B)) return "B";
  if (value >= tenths(tiers.C)) return "C";
  return "D";
}

const LABEL_FIELDS = { en: "label_en", "zh-Hant": "label_zh_hant", "zh-Hans": "label_zh_hans" } as const;

export function factorLabel(factor: ScorecardFactor, locale: string): string {
  return factor[LABEL_FIELDS[locale as Locale] ?? "label_en"];
}

export type Rescoring = "none" | "starting" | "running" | "done";

/**
 * How far the accounts are re-scored under these settings. The defaults stored on first read (version 1)
 * need none; after a change the events function starts it a moment later ("starting" until then).
 */
export function rescoring(settings: ScorecardSettings): Rescoring {
  const progress = settings.recalculation;
  if (!progress || progress.settings_version < settings.version) return settings.version > 1 ? "starting" : "none";
  return progress.status;
}
