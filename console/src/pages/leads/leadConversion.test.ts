import { describe, expect, it } from "vitest";
import type { Lead } from "../../api/client";
import { conversionBody, conversionDefaults, convertedLinks } from "./leadConversion";

const LEAD: Lead = {
  id: "L",
  version: 2,
  company_name: "新界物流有限公司",
  contact_name: "陳大文",
  email: "chan@example.hk",
  phone: "+852 2123 4567",
  business_line: "audit",
  region: "Hong Kong",
  owner_user_id: "U1",
  source: "web",
  status: "qualified",
  created_at: "",
  created_by: "",
  updated_at: "",
  updated_by: "",
};

describe("the lead conversion dialog", () => {
  it("starts from the lead: a new account of its name, its Chinese contact name, its owner, 90 days to close", () => {
    const values = conversionDefaults(LEAD, "HKD", new Date("2026-12-03T10:00:00Z"));
    expect(values.account).toEqual({ name: "新界物流有限公司" });
    expect(values.with_contact).toBe(true);
    expect(values.contact).toEqual({ name_zh: "陳大文", name_en: undefined, email: "chan@example.hk" });
    expect(values.opportunity).toEqual({
      name: "新界物流有限公司 · audit",
      amount: "",
      currency: "HKD",
      expected_close_date: "2027-03-03",
      owner_user_id: "U1",
    });
  });

  it("puts a Latin contact name in the English name and offers no contact when the lead has none", () => {
    expect(conversionDefaults({ ...LEAD, contact_name: "Peter Chan" }, "HKD", new Date()).contact.name_en).toBe("Peter Chan");
    expect(conversionDefaults({ ...LEAD, contact_name: null }, "HKD", new Date()).with_contact).toBe(false);
  });

  it("sends a new account with the lead's details, the contact as primary, the amount without commas", () => {
    const values = conversionDefaults(LEAD, "HKD", new Date("2026-12-03T10:00:00Z"));
    values.opportunity.amount = "120,000.50";
    values.opportunity.stage = "proposal";
    expect(conversionBody(values, LEAD)).toEqual({
      account: { name: "新界物流有限公司", email: "chan@example.hk", phone: "+852 2123 4567" },
      contact: { name_zh: "陳大文", email: "chan@example.hk", is_primary: true },
      opportunity: {
        name: "新界物流有限公司 · audit",
        amount: { amount: "120000.50", currency: "HKD" },
        expected_close_date: "2027-03-03",
        business_line: "audit",
        stage: "proposal",
        owner_user_id: "U1",
      },
    });
  });

  it("sends only the id of an existing account, and no contact when unticked", () => {
    const values = conversionDefaults(LEAD, "HKD", new Date());
    values.account_mode = "existing";
    values.account = { account_id: "A9" };
    values.with_contact = false;
    const body = conversionBody(values, LEAD);
    expect(body.account).toEqual({ account_id: "A9" });
    expect(body.contact).toBeUndefined();
  });

  it("reads a 409's links, and a converted lead's", () => {
    expect(
      convertedLinks([
        { field: "account_id", message: "A1", code: "converted_to" },
        { field: "opportunity_id", message: "O1", code: "converted_to" },
        { field: "name", message: "ignored", code: "other" },
      ]),
    ).toEqual({ account_id: "A1", opportunity_id: "O1" });
    expect(convertedLinks({ ...LEAD, account_id: "A1", contact_id: null, opportunity_id: "O1" })).toEqual({
      account_id: "A1",
      contact_id: undefined,
      opportunity_id: "O1",
    });
  });
});
