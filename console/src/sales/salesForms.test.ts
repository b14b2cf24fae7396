import { describe, expect, it } from "vitest";
import type { Contact, Opportunity } from "../api/client";
import { allowedNavigation } from "../layout/AppShell";
import { changedFields as contactPatch, createBody as contactBody } from "../pages/contacts/contactForm";
import { changedFields as opportunityPatch, createBody as opportunityBody } from "../pages/opportunities/opportunityForm";
import { registeredFields, rulesBody } from "../pages/settings/assignmentRulesForm";

const CONTACT: Contact = {
  id: "C",
  version: 3,
  account_id: "A",
  display_name: "Peter Chan",
  name_en: "Peter Chan",
  name_zh: "陳大文",
  roles: ["finance"],
  phones: [{ kind: "mobile", number: "+852 9123 4567" }],
  is_primary: false,
  created_at: "",
  created_by: "",
  updated_at: "",
  updated_by: "",
};

describe("the contact form", () => {
  it("sends only filled fields on create, blank phone rows dropped", () => {
    expect(
      contactBody({
        account_id: "A",
        name_en: "  ",
        name_zh: "陳大文",
        roles: [],
        phones: [{ kind: "mobile", number: " " }, { kind: "office", number: "2111 2222" }],
        is_primary: true,
      }),
    ).toEqual({ account_id: "A", name_zh: "陳大文", phones: [{ kind: "office", number: "2111 2222" }], is_primary: true });
  });

  it("patches what changed, a cleared name as null", () => {
    const values = {
      account_id: "A",
      name_en: "",
      name_zh: "陳大文",
      roles: ["finance" as const],
      phones: [{ kind: "mobile" as const, number: "+852 9123 4567" }],
      is_primary: true,
    };
    expect(contactPatch(CONTACT, values)).toEqual({ name_en: null, is_primary: true });
    expect(contactPatch(CONTACT, { ...values, name_en: "Peter Chan", is_primary: false })).toEqual({});
  });
});

describe("the opportunity form", () => {
  it("sends the amount as a decimal string without grouping", () => {
    const body = opportunityBody({
      name: " 審計 ",
      account_id: "A",
      amount: "1,250,000.50",
      currency: "HKD",
      expected_close_date: "2027-03-31",
    });
    expect(body).toEqual({
      name: "審計",
      account_id: "A",
      amount: { amount: "1250000.50", currency: "HKD" },
      expected_close_date: "2027-03-31",
    });
  });

  it("patches the amount only when it changed", () => {
    const original = { name: "審計", amount: { amount: "100.00", currency: "HKD" }, expected_close_date: "2027-03-31" } as Opportunity;
    const values = { name: "審計", account_id: "A", amount: "100.00", currency: "HKD", expected_close_date: "2027-03-31" };
    expect(opportunityPatch(original, values)).toEqual({});
    expect(opportunityPatch(original, { ...values, currency: "USD" })).toEqual({ amount: { amount: "100.00", currency: "USD" } });
  });
});

describe("the assignment rules form", () => {
  it("sends each rule's assignee for its mode only, and empty criteria as absent", () => {
    const body = rulesBody({
      fallback_user_id: "u-fallback",
      rules: [
        { name: " Audit HK ", business_line: "audit", region: " ", mode: "user", assign: { user_id: "u1", round_robin: ["u2"] } },
        { name: "Tax", business_line: null, region: "Shenzhen", mode: "round_robin", assign: { user_id: "u1", round_robin: ["u2", "u3"] } },
      ],
    });
    expect(body).toEqual({
      fallback_user_id: "u-fallback",
      rules: [
        { name: "Audit HK", business_line: "audit", assign: { user_id: "u1" } },
        { name: "Tax", region: "Shenzhen", assign: { round_robin: ["u2", "u3"] } },
      ],
    });
  });

  it("registers the fields the API names for each rule", () => {
    expect(registeredFields(1)).toContainEqual(["rules", 0, "assign", "round_robin"]);
    expect(registeredFields(1)).not.toContainEqual(["rules", 1, "name"]);
  });
});

describe("the navigation", () => {
  it("shows the sales section by permission and drops empty sections", () => {
    const staff = allowedNavigation(["accounts:read", "contacts:read", "leads:read", "opportunities:read"]);
    expect(staff.map((section) => section.items.map((item) => item.path))).toEqual([
      ["/accounts"],
      ["/leads", "/pipeline", "/opportunities", "/contacts"],
    ]);
    const finance = allowedNavigation(["accounts:read", "contacts:read"]);
    expect(finance.flatMap((section) => section.items.map((item) => item.path))).toEqual(["/accounts", "/contacts"]);
    const owner = allowedNavigation(["sales-settings:manage", "users:manage"]);
    expect(owner.map((section) => section.labelKey)).toEqual(["nav.settings"]);
  });
});
