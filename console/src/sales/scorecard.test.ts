import { describe, expect, it } from "vitest";
import type { ScorecardFactor, ScorecardSettings } from "../api/client";
import { factorLabel, previewScore, rescoring, tierOf, weightTotal } from "./scorecard";

const factor = (key: string, weight: number): ScorecardFactor => ({
  key,
  weight,
  label_en: key,
  label_zh_hant: `${key}（繁）`,
  label_zh_hans: `${key}（简）`,
});
const FACTORS = [factor("revenue", 40), factor("loyalty", 35), factor("referrals", 25)];

describe("weightTotal", () => {
  it("adds the weights, counting a blank one as 0", () => {
    expect(weightTotal(FACTORS)).toBe(100);
    expect(weightTotal([{ weight: 60 }, { weight: null }, undefined, {}])).toBe(60);
  });
});

describe("previewScore", () => {
  it("weighs each factor's 0-10 score into 0-100 with one decimal", () => {
    expect(previewScore(FACTORS, { revenue: 10, loyalty: 10, referrals: 10 })).toBe("100.0");
    expect(previewScore(FACTORS, { revenue: "7.5", loyalty: 8, referrals: 6 })).toBe("73.0");
  });

  it("rounds half up, as the API does", () => {
    // 35 × 0.1 / 10 = 0.35 → 0.4 ; 25 × 0.3 / 10 = 0.75 → 0.8 (binary floating point would give 0.7)
    expect(previewScore(FACTORS, { loyalty: "0.1" })).toBe("0.4");
    expect(previewScore(FACTORS, { referrals: "0.3" })).toBe("0.8");
  });

  it("counts a factor without a score as 0, and gives no score when nothing is scored", () => {
    expect(previewScore(FACTORS, { revenue: 5 })).toBe("20.0");
    expect(previewScore(FACTORS, { revenue: null })).toBeNull();
    expect(previewScore(FACTORS, {})).toBeNull();
  });
});

describe("tierOf", () => {
  const tiers = { A: "80", B: "60", C: "40.5" };
  it("places a score at or above a threshold in that tier, below C in D", () => {
    expect(tierOf("80.0", tiers)).toBe("A");
    expect(tierOf("79.9", tiers)).toBe("B");
    expect(tierOf("60", tiers)).toBe("B");
    expect(tierOf("40.5", tiers)).toBe("C");
    expect(tierOf("40.4", tiers)).toBe("D");
  });
});

describe("factorLabel", () => {
  it("shows the label in the console's language, English otherwise", () => {
    expect(factorLabel(FACTORS[0], "zh-Hant")).toBe("revenue（繁）");
    expect(factorLabel(FACTORS[0], "zh-Hans")).toBe("revenue（简）");
    expect(factorLabel(FACTORS[0], "fr")).toBe("revenue");
  });
});

describe("rescoring", () => {
  const settings = (recalculation: ScorecardSettings["recalculation"]): ScorecardSettings => ({
    factors: FACTORS,
    tiers: { A: "80", B: "60", C: "40" },
    version: 3,
    updated_at: "",
    updated_by: "",
    recalculation,
  });
  const progress = { accounts_processed: 100, accounts_changed: 4, started_at: "" };
  it("follows the current version's re-scoring, which starts a moment after a change", () => {
    expect(rescoring(settings({ ...progress, settings_version: 3, status: "running" }))).toBe("running");
    expect(rescoring(settings({ ...progress, settings_version: 3, status: "done" }))).toBe("done");
    expect(rescoring(settings({ ...progress, settings_version: 2, status: "done" }))).toBe("starting");
    expect(rescoring(settings(null))).toBe("starting");
    expect(rescoring({ ...settings(null), version: 1 })).toBe("none");
  });
});
