/** The lead conversion dialog's values and the request body built from them. The form's field names follow
 * the request's (`account.name`, `opportunity.amount`…) so the API's field errors land on their fields. */
import type { Lead, LeadConversionInput } from "../../api/client";
import type { FieldProblem } from "../../api/problem";
import type { FieldPath } from "../../forms/problemFields";
import { decimalText } from "../opportunities/opportunityForm";

export interface ConversionFormValues {
  account_mode: "new" | "existing";
  account: { name?: string; account_id?: string };
  with_contact: boolean;
  contact: { name_zh?: string; name_en?: string; email?: string };
  opportunity: {
    name: string;
    amount: string;
    currency: string;
    expected_close_date: string;
    stage?: string;
    owner_user_id?: string;
  };
}

const HAN = /\p{Script=Han}/u;
const DAY_MS = 86_400_000;

/** The dialog's first values: a new account named like the lead, its contact person, an opportunity named
 * after the company and business line, expected to close in `closeInDays`. */
export function conversionDefaults(lead: Lead, currency: string, today: Date, closeInDays = 90): ConversionFormValues {
  const person = lead.contact_name?.trim() ?? "";
  return {
    account_mode: "new",
    account: { name: lead.company_name },
    with_contact: Boolean(person),
    contact: {
      name_zh: HAN.test(person) ? person : undefined,
      name_en: person && !HAN.test(person) ? person : undefined,
      email: lead.email ?? undefined,
    },
    opportunity: {
      name: lead.business_line ? `${lead.company_name} · ${lead.business_line}` : lead.company_name,
      amount: "",
      currency,
      expected_close_date: new Date(today.getTime() + closeInDays * DAY_MS).toISOString().slice(0, 10),
      owner_user_id: lead.owner_user_id ?? undefined,
    },
  };
}

const filled = (value: string | null | undefined) => (value ?? "").trim() || undefined;

export function conversionBody(values: ConversionFormValues, lead: Lead): LeadConversionInput {
  const { opportunity } = values;
  const businessLine = filled(lead.business_line);
  const body: LeadConversionInput = {
    account:
      values.account_mode === "existing"
        ? { account_id: values.account.account_id ?? "" }
        : {
            name: filled(values.account.name) ?? lead.company_name,
            ...(lead.email ? { email: lead.email } : {}),
            ...(lead.phone ? { phone: lead.phone } : {}),
          },
    opportunity: {
      name: opportunity.name.trim(),
      amount: { amount: decimalText(opportunity.amount), currency: opportunity.currency },
      expected_close_date: opportunity.expected_close_date,
      ...(businessLine ? { business_line: businessLine } : {}),
      ...(opportunity.stage ? { stage: opportunity.stage } : {}),
      ...(opportunity.owner_user_id ? { owner_user_id: opportunity.owner_user_id } : {}),
    },
  };
  if (values.with_contact) {
    const { name_zh, name_en, email } = values.contact;
    body.contact = {
      ...(filled(name_zh) ? { name_zh: filled(name_zh) } : {}),
      ...(filled(name_en) ? { name_en: filled(name_en) } : {}),
      ...(filled(email) ? { email: filled(email) } : {}),
      is_primary: true,
    };
  }
  return body;
}

/** The fields errors are placed on; `opportunity.amount.currency` lands on the amount. */
export const CONVERSION_FIELDS: FieldPath[] = [
  ["account"],
  ["account", "name"],
  ["account", "account_id"],
  ["contact"],
  ["contact", "name_zh"],
  ["contact", "name_en"],
  ["contact", "email"],
  ["opportunity", "name"],
  ["opportunity", "amount"],
  ["opportunity", "expected_close_date"],
  ["opportunity", "stage"],
  ["opportunity", "owner_user_id"],
];

export interface ConvertedLinks {
  account_id?: string;
  contact_id?: string;
  opportunity_id?: string;
}

/** What a converted lead became: from the lead itself, or from a 409's `converted_to` errors. */
export function convertedLinks(source: Lead | FieldProblem[]): ConvertedLinks {
  if (!Array.isArray(source)) {
    const { account_id, contact_id, opportunity_id } = source;
    return { account_id: account_id ?? undefined, contact_id: contact_id ?? undefined, opportunity_id: opportunity_id ?? undefined };
  }
  const links: ConvertedLinks = {};
  for (const item of source) {
    if (item.code !== "converted_to") continue;
    if (item.field === "account_id" || item.field === "contact_id" || item.field === "opportunity_id") links[item.field] = item.message;
  }
  return links;
}
