/** What the import wizard knows before anything is uploaded: the import fields a custom column map can
 * feed (the API's `domain/column_maps.IMPORT_FIELDS`), and the file's header row. */
import type { ImportEntity } from "../../api/client";

export const IMPORT_ENTITIES: ImportEntity[] = ["accounts", "contacts", "leads", "opportunities"];

export const WRITE_PERMISSION = {
  accounts: "accounts:write",
  contacts: "contacts:write",
  leads: "leads:write",
  opportunities: "opportunities:write",
} as const satisfies Record<ImportEntity, string>;

export const IMPORT_FIELDS: Record<ImportEntity, string[]> = {
  accounts: [
    "name",
    "website",
    "phone",
    "email",
    "notes",
    "industry",
    "region",
    "branch",
    "tags",
    "business_lines",
    "hk_br_number",
    "prc_uscc",
    "status",
    "billing_street",
    "billing_city",
    "billing_region",
    "billing_postal_code",
    "billing_country",
  ],
  contacts: [
    "account_name",
    "account_id",
    "name_zh",
    "name_en",
    "first_name",
    "last_name",
    "title",
    "email",
    "office_phone",
    "mobile_phone",
    "is_primary",
  ],
  leads: [
    "company_name",
    "contact_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "source",
    "business_line",
    "region",
    "notes",
  ],
  opportunities: ["name", "account_name", "account_id", "amount", "currency", "expected_close_date", "business_line", "stage"],
};

/** The fields of the header row of a CSV text (quoted fields, doubled quotes, a BOM). */
export function headerFields(text: string): string[] {
  const source = text.replace(/^\uFEFF/, "");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field.trim());
      field = "";
    } else if (char === "\n" || char === "\r") break;
    else field += char;
  }
  fields.push(field.trim());
  return fields.filter((name) => name !== "");
}

/** The header line as text: UTF-8, else Big5 or GB18030 (the encodings the API reads), whichever decodes.
 * A newline byte is never part of a multi-byte character in these, so the line is cut at the first one. */
export function decodeHeaderLine(bytes: Uint8Array): string {
  const end = bytes.indexOf(0x0a);
  const line = end === -1 ? bytes : bytes.subarray(0, end);
  for (const encoding of ["utf-8", "big5", "gb18030"]) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(line);
    } catch {
      continue;
    }
  }
  return new TextDecoder("utf-8").decode(line);
}

export async function readHeader(file: Blob): Promise<string[]> {
  const start = new Uint8Array(await file.slice(0, 64 * 1024).arrayBuffer());
  return headerFields(decodeHeaderLine(start));
}
