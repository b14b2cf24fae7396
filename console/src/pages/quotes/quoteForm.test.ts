import { describe, expect, it } from "vitest";
import type { Quote } from "../../api/client";
import { quoteBody, registeredFields, startingValues } from "./quoteForm";

const money = (amount: string) => ({ amount, currency: "HKD" });
const V1: Quote = {
  id: "Q1",
  version: 1,
  number: "Q-2026-0001",
  revision: 1,
  opportunity_id: "O",
  account_id: "A",
  status: "draft",
  currency: "HKD",
  lines: [
    {
      description: "2027 年度審計",
      kind: "hours",
      quantity: "40.00",
      unit_rate: "1500.00",
      discount_percent: "10",
      amount: "60000.00",
      discount: "6000.00",
      net: "54000.00",
    },
  ],
  tax_rate_percent: "0",
  subtotal: money("60000.00"),
  discount: money("6000.00"),
  tax: money("0.00"),
  total: money("54000.00"),
  valid_until: "2027-01-31",
  language: "zh-Hant",
  notes: null,
  created_at: "",
  created_by: "",
  updated_at: "",
  updated_by: "",
};

describe("the quote version editor", () => {
  it("starts the first version from one empty line in the user's language, the tax rate left to the firm's default", () => {
    expect(startingValues(undefined, "zh-Hans")).toMatchObject({ language: "zh-Hans", tax_rate_percent: "", lines: [{ kind: "hours" }] });
  });

  it("starts the next version from the latest one's lines and terms", () => {
    expect(startingValues(V1, "en")).toEqual({
      language: "zh-Hant",
      tax_rate_percent: "0",
      valid_until: "2027-01-31",
      notes: undefined,
      lines: [{ description: "2027 年度審計", kind: "hours", quantity: "40.00", unit_rate: "1500.00", discount_percent: "10" }],
    });
  });

  it("sends the numbers as typed without commas and computes no money", () => {
    const body = quoteBody({
      language: "en",
      tax_rate_percent: "",
      notes: " ",
      lines: [{ description: " 稅務申報 ", kind: "quantity", quantity: "1", unit_rate: "8,000", discount_percent: "" }],
    });
    expect(body).toEqual({
      language: "en",
      lines: [{ description: "稅務申報", kind: "quantity", quantity: "1", unit_rate: "8000", discount_percent: "0" }],
    });
    expect(JSON.stringify(body)).not.toMatch(/amount|total|net/);
  });

  it("places an error on a line's own field", () => {
    expect(registeredFields(2)).toContainEqual(["lines", 1, "unit_rate"]);
    expect(registeredFields(2)).not.toContainEqual(["lines", 2, "unit_rate"]);
  });
});
