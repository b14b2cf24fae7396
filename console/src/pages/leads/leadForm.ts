/** What the lead form edits, and how its values become an API create body or a minimal patch. */
import type { Lead, LeadInput, LeadPatch, LeadSource, LeadStatus } from "../../api/client";

export const LEAD_STATUSES: LeadStatus[] = ["new", "contacted", "qualified", "disqualified"];
export const LEAD_SOURCES: LeadSource[] = ["web", "referral", "event", "cold_call", "import", "other"];

export interface LeadFormValues {
  company_name: string;
  contact_name?: string | null;
  email?: string | null;
  phone?: string | null;
  business_line?: string | null;
  region?: string | null;
  branch?: string | null;
  source?: LeadSource;
  notes?: string | null;
  status?: LeadStatus;
  owner_user_id?: string | null;
}

const OPTIONAL_TEXT = ["contact_name", "email", "phone", "business_line", "region", "branch", "notes"] as const;
export const LEAD_FIELDS = ["company_name", ...OPTIONAL_TEXT, "source", "status", "owner_user_id"] as const;

function text(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
}

export function formValues(lead: Lead): LeadFormValues {
  return {
    company_name: lead.company_name,
    contact_name: lead.contact_name ?? null,
    email: lead.email ?? null,
    phone: lead.phone ?? null,
    business_line: lead.business_line ?? null,
    region: lead.region ?? null,
    branch: lead.branch ?? null,
    source: lead.source ?? "other",
    notes: lead.notes ?? null,
    status: lead.status,
    owner_user_id: lead.owner_user_id ?? null,
  };
}

/** A new lead's owner is never chosen here: the assignment rules set it. */
export function createBody(values: LeadFormValues): LeadInput {
  const body: LeadInput = { company_name: values.company_name.trim(), source: values.source ?? "other" };
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== null) body[field] = value;
  }
  return body;
}

export function changedFields(original: Lead, values: LeadFormValues): LeadPatch {
  const patch: LeadPatch = {};
  if (values.company_name.trim() !== original.company_name) patch.company_name = values.company_name.trim();
  for (const field of OPTIONAL_TEXT) {
    const value = text(values[field]);
    if (value !== (original[field] ?? null)) patch[field] = value;
  }
  if (values.source && values.source !== original.source) patch.source = values.source;
  // "converted" is set by conversion only, never by a PATCH.
  if (values.status && values.status !== "converted" && values.status !== original.status) {
    patch.status = values.status;
  }
  const owner = values.owner_user_id || null;
  if (owner && owner !== (original.owner_user_id ?? null)) patch.owner_user_id = owner;
  return patch;
}

/** Only the statuses a person sets; conversion (when the API has it) sets "converted" itself. */
export function statusColor(status: string): string {
  return { new: "blue", contacted: "gold", qualified: "green", disqualified: "default", converted: "purple" }[status] ?? "default";
}
