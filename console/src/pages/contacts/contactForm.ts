/** What the contact form edits, and how its values become an API create body or a minimal patch. */
import type { Contact, ContactInput, ContactPatch, ContactRole, PhoneKind } from "../../api/client";

export const CONTACT_ROLES: ContactRole[] = ["decision_maker", "accounts_payable", "finance", "operations", "other"];
export const PHONE_KINDS: PhoneKind[] = ["mobile", "office", "fax"];

export interface ContactFormValues {
  account_id: string;
  name_en?: string | null;
  name_zh?: string | null;
  title?: string | null;
  email?: string | null;
  roles?: ContactRole[];
  phones?: { kind: PhoneKind; number?: string | null }[];
  is_primary?: boolean;
  responsible_user_id?: string | null;
}

const OPTIONAL_TEXT = ["name_en", "name_zh", "title", "email"] as const;
export const CONTACT_FIELDS = [
  "account_id",
  ...OPTIONAL_TEXT,
  "roles",
  "phones",
  "is_primary",
  "responsible_user_id",
] as const;

function text(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
}

function phones(values: ContactFormValues["phones"]) {
  return (values ?? [])
    .map((phone) => ({ kind: phone.kind, number: text(phone.number) }))
    .filter((phone): phone is { kind: PhoneKind; number: string } => phone.number !== null);
}

export function formValues(contact: Contact): ContactFormValues {
  return {
    account_id: contact.account_id,
    name_en: contact.name_en ?? null,
    name_zh: contact.name_zh ?? null,
    title: contact.title ?? null,
    email: contact.email ?? null,
    roles: contact.roles ?? [],
    phones: contact.phones ?? [],
    is_primary: contact.is_primary ?? false,
    responsible_user_id: contact.responsible_user_id ?? null,
  };
}

export function createBody(values: ContactFormValues): ContactInput {
  const body: ContactInput = { account_id: values.account_id };
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== null) body[field] = value;
  }
  if (values.roles?.length) body.roles = values.roles;
  const numbers = phones(values.phones);
  if (numbers.length) body.phones = numbers;
  if (values.is_primary) body.is_primary = true;
  if (values.responsible_user_id) body.responsible_user_id = values.responsible_user_id;
  return body;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what the user changed relative to `original`; a cleared optional field is sent as null. */
export function changedFields(original: Contact, values: ContactFormValues): ContactPatch {
  const patch: ContactPatch = {};
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== (original[field] ?? null)) patch[field] = value;
  }
  const roles = values.roles ?? [];
  if (!sameJson(roles, original.roles ?? [])) patch.roles = roles;
  const numbers = phones(values.phones);
  if (!sameJson(numbers, original.phones ?? [])) patch.phones = numbers;
  if (Boolean(values.is_primary) !== Boolean(original.is_primary)) patch.is_primary = Boolean(values.is_primary);
  const responsible = values.responsible_user_id || null;
  if (responsible !== (original.responsible_user_id ?? null)) patch.responsible_user_id = responsible;
  return patch;
}

/** "Peter Chan 陳大文": both names when both are known. */
export function contactName(contact: Pick<Contact, "name_en" | "name_zh" | "display_name">): string {
  const names = [contact.name_en, contact.name_zh].filter(Boolean);
  return names.length ? names.join(" ") : contact.display_name;
}
