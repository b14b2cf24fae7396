/** The quote version editor's values and the API body built from them. Money is the API's to compute:
 * the console sends quantities, rates and percents as typed (commas dropped) and shows the totals it gets. */
import type { Locale, Quote, QuoteInput } from "../../api/client";
import type { FieldPath } from "../../forms/problemFields";
import { decimalText } from "../opportunities/opportunityForm";

export const QUOTE_LANGUAGES: Locale[] = ["en", "zh-Hant", "zh-Hans"];

export interface LineValues {
  description: string;
  kind: "hours" | "quantity";
  quantity: string;
  unit_rate: string;
  discount_percent?: string;
}

export interface QuoteFormValues {
  language: Locale;
  tax_rate_percent: string;
  valid_until?: string;
  notes?: string;
  lines: LineValues[];
}

export const EMPTY_LINE: LineValues = { description: "", kind: "hours", quantity: "", unit_rate: "", discount_percent: "" };

/** A new version starts from the latest one's lines and terms (the API would copy them too); the first
 * from one empty line in the user's language, and no tax rate: the API then applies the firm's default. */
export function startingValues(latest: Quote | undefined, language: Locale): QuoteFormValues {
  if (!latest) return { language, tax_rate_percent: "", lines: [{ ...EMPTY_LINE }] };
  return {
    language: latest.language,
    tax_rate_percent: latest.tax_rate_percent,
    valid_until: latest.valid_until,
    notes: latest.notes ?? undefined,
    lines: latest.lines.map((line) => ({
      description: line.description,
      kind: line.kind,
      quantity: line.quantity,
      unit_rate: line.unit_rate,
      discount_percent: line.discount_percent ?? "",
    })),
  };
}

export function quoteBody(values: QuoteFormValues): QuoteInput {
  const notes = values.notes?.trim();
  return {
    language: values.language,
    ...(decimalText(values.tax_rate_percent ?? "") ? { tax_rate_percent: decimalText(values.tax_rate_percent) } : {}),
    ...(values.valid_until ? { valid_until: values.valid_until } : {}),
    ...(notes ? { notes } : {}),
    lines: values.lines.map((line) => ({
      description: line.description.trim(),
      kind: line.kind,
      quantity: decimalText(line.quantity),
      unit_rate: decimalText(line.unit_rate),
      discount_percent: decimalText(line.discount_percent ?? "") || "0",
    })),
  };
}

/** Where the API's field errors land: `lines[1].unit_rate` on that line's rate. */
export function registeredFields(lineCount: number): FieldPath[] {
  const perLine = ["description", "kind", "quantity", "unit_rate", "discount_percent"];
  return [
    ["language"],
    ["tax_rate_percent"],
    ["valid_until"],
    ["notes"],
    ["lines"],
    ...Array.from({ length: lineCount }, (_, index) => perLine.map((field) => ["lines", index, field])).flat(),
  ];
}
