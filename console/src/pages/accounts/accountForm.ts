/** What the account form edits, and how its values become an API create body or a minimal patch. */
import type { Account, AccountInput, AccountPatch } from "../../api/client";

export interface AccountFormValues {
  name: string;
  email?: string | null;
  phone?: string | null;
  website?: string | null;
  tags?: string[];
  notes?: string | null;
}

const OPTIONAL_TEXT = ["email", "phone", "website", "notes"] as const;
export const ACCOUNT_FIELDS = ["name", ...OPTIONAL_TEXT, "tags"] as const;

function text(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
}

function tags(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).map((tag) => tag.trim()).filter(Boolean))];
}

export function formValues(account: Account): AccountFormValues {
  return {
    name: account.name,
    email: account.email ?? null,
    phone: account.phone ?? null,
    website: account.website ?? null,
    tags: account.tags ?? [],
    notes: account.notes ?? null,
  };
}

export function createBody(values: AccountFormValues): AccountInput {
  const body: AccountInput = { name: values.name.trim() };
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== null) body[field] = value;
  }
  const chosen = tags(values.tags);
  if (chosen.length) body.tags = chosen;
  return body;
}

/** Only what the user changed relative to `original`; a cleared optional field is sent as null. */
export function changedFields(original: Account, values: AccountFormValues): AccountPatch {
  const patch: AccountPatch = {};
  if (values.name.trim() !== original.name) patch.name = values.name.trim();
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== (original[field] ?? null)) patch[field] = value;
  }
  const chosen = tags(values.tags);
  const before = original.tags ?? [];
  if (chosen.length !== before.length || chosen.some((tag, i) => tag !== before[i])) patch.tags = chosen;
  return patch;
}
