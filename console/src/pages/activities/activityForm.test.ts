import { describe, expect, it } from "vitest";
import type { Activity } from "../../api/client";
import { doneBody, mine, ofOpportunity, planBody } from "./activityForm";

const activity = (fields: Partial<Activity>): Activity => ({
  id: "X",
  version: 1,
  kind: "call",
  status: "planned",
  subject: "s",
  owner_id: "U1",
  created_at: "",
  created_by: "",
  updated_at: "",
  updated_by: "",
  ...fields,
});

describe("planning an activity", () => {
  it("sends a planned activity on the account and opportunity, due at the instant typed", () => {
    const body = planBody(
      { kind: "visit", subject: " 年度拜訪 ", due_at: "2030-01-15T10:00", owner_id: "U2", notes: "  " },
      { account_id: "A", opportunity_id: "O" },
    );
    expect(body).toEqual({
      kind: "visit",
      subject: "年度拜訪",
      status: "planned",
      due_at: new Date("2030-01-15T10:00").toISOString(),
      account_id: "A",
      opportunity_id: "O",
      owner_id: "U2",
    });
  });

  it("leaves the opportunity out on an account's tab", () => {
    expect(planBody({ kind: "call", subject: "x", due_at: "2030-01-15T10:00" }, { account_id: "A" })).not.toHaveProperty(
      "opportunity_id",
    );
  });
});

describe("marking an activity done", () => {
  it("keeps a meeting's minutes and another activity's notes", () => {
    expect(doneBody({ kind: "meeting" }, { minutes: " 確定三月開始 " })).toEqual({ status: "done", minutes: "確定三月開始" });
    expect(doneBody({ kind: "call" }, { notes: "客戶接受" })).toEqual({ status: "done", notes: "客戶接受" });
    expect(doneBody({ kind: "call" }, {})).toEqual({ status: "done" });
  });
});

describe("the activity lists", () => {
  it("show an opportunity's own activities of its account, and a user's own planned ones", () => {
    const rows = [activity({ id: "1", opportunity_id: "O" }), activity({ id: "2", owner_id: "U2" }), activity({ id: "3" })];
    expect(ofOpportunity(rows, "O").map((row) => row.id)).toEqual(["1"]);
    expect(mine(rows, "U1").map((row) => row.id)).toEqual(["1", "3"]);
  });
});
