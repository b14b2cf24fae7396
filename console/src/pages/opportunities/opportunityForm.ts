/** What the opportunity form edits, and how its values become an API create body or a minimal patch. */
import type { Opportunity, OpportunityInput, OpportunityPatch } from "../../api/client";

export interface OpportunityFormValues {
  name: string;
  account_id: string;
  amount: string;
  currency: string;
  expected_close_date: string;
  business_line?: string | null;
  owner_user_id?: string | null;
  stage?: string | null;
}

export const OPPORTUNITY_FIELDS = [
  "name",
  "account_id",
  "amount",
  "expected_close_date",
  "business_line",
  "owner_user_id",
  "stage",
] as const;

/** The currencies offered besides the firm's own. */
export const CURRENCIES = ["HKD", "CNY", "USD", "EUR", "GBP", "MOP", "SGD", "TWD", "JPY", "AUD"];
/** An amount as typed: digits with optional thousands commas and up to 4 decimals. */
export const DECIMAL = /^-?[0-9][0-9,]*(\.[0-9]{1,4})?$/;

function text(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
}

export function formValues(opportunity: Opportunity): OpportunityFormValues {
  return {
    name: opportunity.name,
    account_id: opportunity.account_id,
    amount: opportunity.amount.amount,
    currency: opportunity.amount.currency,
    expected_close_date: opportunity.expected_close_date,
    business_line: opportunity.business_line ?? null,
    owner_user_id: opportunity.owner_user_id ?? null,
    stage: opportunity.stage,
  };
}

/** "12,500.50" as typed → "12500.50" as the API wants it. */
export function decimalText(value: string): string {
  return value.replace(/[,\s]/g, "");
}

export function createBody(values: OpportunityFormValues): OpportunityInput {
  const body: OpportunityInput = {
    name: values.name.trim(),
    account_id: values.account_id,
    amount: { amount: decimalText(values.amount), currency: values.currency },
    expected_close_date: values.expected_close_date,
  };
  const line = text(values.business_line);
  if (line) body.business_line = line;
  if (values.owner_user_id) body.owner_user_id = values.owner_user_id;
  if (values.stage) body.stage = values.stage;
  return body;
}

export function changedFields(original: Opportunity, values: OpportunityFormValues): OpportunityPatch {
  const patch: OpportunityPatch = {};
  if (values.name.trim() !== original.name) patch.name = values.name.trim();
  const amount = { amount: decimalText(values.amount), currency: values.currency };
  if (amount.amount !== original.amount.amount || amount.currency !== original.amount.currency) patch.amount = amount;
  if (values.expected_close_date !== original.expected_close_date) patch.expected_close_date = values.expected_close_date;
  const line = text(values.business_line);
  if (line !== (original.business_line ?? null)) patch.business_line = line;
  const owner = values.owner_user_id || null;
  if (owner && owner !== (original.owner_user_id ?? null)) patch.owner_user_id = owner;
  return patch;
}
