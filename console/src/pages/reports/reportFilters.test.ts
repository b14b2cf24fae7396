import { describe, expect, it } from "vitest";
import type { Me } from "../../api/client";
import { ownScopeParams, readParams, reportQuery, shiftMonth, teamScoped, writeParams } from "./reportFilters";

describe("report filters", () => {
  it("default to the twelve months up to this one, with no filter", () => {
    expect(readParams(new URLSearchParams(), new Date(2026, 1, 15))).toEqual({ from: "2025-03", to: "2026-02", by: "", value: "" });
  });

  it("keep one valid filter and drop unknown or empty ones", () => {
    const params = readParams(new URLSearchParams("from=2026-01&to=2026-06&by=branch&value=%20Central%20"));
    expect(params).toEqual({ from: "2026-01", to: "2026-06", by: "branch", value: "Central" });
    expect(reportQuery(params)).toEqual({ from: "2026-01", to: "2026-06", branch: "Central" });
    expect(readParams(new URLSearchParams("from=2026-13&to=2026-06&by=colour&value=red"))).toEqual({
      from: "2025-07",
      to: "2026-06",
      by: "",
      value: "",
    });
    expect(writeParams(params).toString()).toBe("from=2026-01&to=2026-06&by=branch&value=Central");
  });

  it("shift months across years", () => {
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(shiftMonth("2025-12", 13)).toBe("2027-01");
  });

  it("let managers and sales choose between their team and themselves", () => {
    const manager = { kind: "user", role: "manager", user: { id: "U1" } } as Me;
    expect(teamScoped(manager)).toBe(true);
    expect(teamScoped({ kind: "user", role: "partner" } as Me)).toBe(false);
    expect(ownScopeParams(manager, "mine")).toEqual({ by: "owner_user_id", value: "U1" });
    expect(ownScopeParams(manager, "team")).toEqual({ by: "", value: "" });
  });
});
