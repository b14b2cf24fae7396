/** What the import wizard knows before anything is uploaded: the entities one may import, and the file's
 * header row. The fields a column map can feed come from the API (GET /v1/imports/fields). */
import type { TFunction } from "i18next";
import type { ImportEntity, RowFieldError } from "../../api/client";

export const IMPORT_ENTITIES: ImportEntity[] = ["accounts", "contacts", "leads", "opportunities"];

export const WRITE_PERMISSION = {
  accounts: "accounts:write",
  contacts: "contacts:write",
  leads: "leads:write",
  opportunities: "opportunities:write",
} as const satisfies Record<ImportEntity, string>;

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

/** A dry-run row error in the user's language, by its code; the API's English message for a code the
 * catalogs do not name (new ones, and `invalid`, whose message is more precise than any general text). */
export function rowErrorMessage(t: TFunction, error: RowFieldError): string {
  return error.code && error.code !== "invalid" ? t(`imports.errorCodes.${error.code}`, { defaultValue: error.message }) : error.message;
}
