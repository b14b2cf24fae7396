import { describe, expect, it } from "vitest";
import type { Opportunity, SalesStage } from "../api/client";
import { groupByStage, nextStage, stageMoveProblem, stageNameOf, totalsByCurrency } from "./pipeline";

const stage = (key: string, kind: SalesStage["kind"] = "open"): SalesStage => ({
  key,
  kind,
  probability: kind === "won" ? 100 : 10,
  names: { en: key.toUpperCase(), "zh-Hant": `${key}（繁）`, "zh-Hans": `${key}（简）` },
});
const STAGES = [stage("lead-in"), stage("proposal"), stage("won", "won"), stage("lost", "lost")];

function opportunity(name: string, stageKey: string, amount: string, currency = "HKD", close = "2026-12-01"): Opportunity {
  return {
    id: name,
    name,
    version: 1,
    account_id: "A",
    amount: { amount, currency },
    expected_close_date: close,
    stage: stageKey,
    probability: 10,
    status: stageKey === "won" ? "won" : stageKey === "lost" ? "lost" : "open",
    stage_history: [],
    created_at: "",
    created_by: "",
    updated_at: "",
    updated_by: "",
  };
}

describe("the pipeline board", () => {
  it("puts each opportunity in its stage's column, in funnel order, soonest close first", () => {
    // Given opportunities in two stages
    const board = groupByStage(
      [
        opportunity("late", "proposal", "100", "HKD", "2027-03-01"),
        opportunity("early", "proposal", "50", "HKD", "2026-01-15"),
        opportunity("new", "lead-in", "10"),
      ],
      STAGES,
    );
    // Then the columns follow the stages and the cards the expected close date
    expect(board.columns.map((column) => column.stage.key)).toEqual(["lead-in", "proposal", "won", "lost"]);
    expect(board.columns[1].opportunities.map((card) => card.name)).toEqual(["early", "late"]);
    expect(board.columns[2].opportunities).toEqual([]);
    expect(board.unknownStage).toEqual([]);
  });

  it("totals each column exactly, per currency", () => {
    // Given amounts whose float sum would be inexact, in two currencies
    const board = groupByStage(
      [
        opportunity("a", "proposal", "0.10"),
        opportunity("b", "proposal", "0.20"),
        opportunity("c", "proposal", "1250.5", "USD"),
        opportunity("d", "proposal", "999999999999999.99"),
      ],
      STAGES,
    );
    // Then HKD and USD are summed apart, to the cent
    expect(board.columns[1].totals).toEqual([
      { currency: "HKD", amount: "1000000000000000.29" },
      { currency: "USD", amount: "1250.5" },
    ]);
  });

  it("keeps opportunities of a removed stage visible", () => {
    const board = groupByStage([opportunity("orphan", "retired-stage", "1")], STAGES);
    expect(board.unknownStage.map((card) => card.name)).toEqual(["orphan"]);
  });

  it("sums negative amounts and nothing", () => {
    expect(totalsByCurrency([{ amount: "-5.25", currency: "HKD" }, { amount: "2", currency: "HKD" }])).toEqual([
      { amount: "-3.25", currency: "HKD" },
    ]);
    expect(totalsByCurrency([])).toEqual([]);
  });

  it("names stages in the UI language, and an unknown key as itself", () => {
    expect(stageNameOf("proposal", STAGES, "zh-Hans")).toBe("proposal（简）");
    expect(stageNameOf("gone", STAGES, "en")).toBe("gone");
  });

  it("offers the next stage of the funnel, skipping lost", () => {
    expect(nextStage("lead-in", STAGES)?.key).toBe("proposal");
    expect(nextStage("proposal", STAGES)?.key).toBe("won");
    expect(nextStage("won", STAGES)).toBeUndefined();
  });
});

describe("a stage move before it is sent", () => {
  const open = { stage: "proposal", status: "open" as const };

  it("requires a lost reason to close as lost", () => {
    expect(stageMoveProblem(open, stage("lost", "lost"), "", false)).toBe("lostReasonRequired");
    expect(stageMoveProblem(open, stage("lost", "lost"), "   ", false)).toBe("lostReasonRequired");
    expect(stageMoveProblem(open, stage("lost", "lost"), "x".repeat(501), false)).toBe("lostReasonTooLong");
    expect(stageMoveProblem(open, stage("lost", "lost"), "Chose a bigger firm", false)).toBeNull();
  });

  it("refuses the current stage, and a closed opportunity unless reopened", () => {
    expect(stageMoveProblem(open, stage("proposal"), null, false)).toBe("sameStage");
    const won = { stage: "won", status: "won" as const };
    expect(stageMoveProblem(won, stage("proposal"), null, false)).toBe("reopenRequired");
    expect(stageMoveProblem(won, stage("proposal"), null, true)).toBeNull();
  });
});
