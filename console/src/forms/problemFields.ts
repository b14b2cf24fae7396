/** Field errors of a problem (`errors[].field`, e.g. `name`, `tags[0]`, `address.city`) placed on the
 * form fields that hold them. */
import type { FieldProblem } from "../api/problem";

export type FieldPath = (string | number)[];

/** `tags[0].name` → ["tags", 0, "name"]. */
export function parseFieldPath(field: string): FieldPath {
  const path: FieldPath = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[1]);
  }
  return path;
}

export interface FieldErrors {
  /** For antd's form.setFields: the registered field each error belongs to, with its messages. */
  fields: { name: FieldPath; errors: string[] }[];
  /** Errors no field shows (e.g. `body`, a header): shown above the form instead. */
  unplaced: FieldProblem[];
}

const samePath = (a: FieldPath, b: FieldPath) => a.length === b.length && a.every((part, i) => part === b[i]);

/**
 * Places each error on the deepest registered field that contains it: `tags[0]` goes to the `tags` field
 * when the form edits the whole list in one control, and to `["tags", 0]` when each tag has its own.
 * `message` turns a problem entry into the text to show (localized from its code where possible).
 */
export function placeFieldErrors(
  errors: FieldProblem[],
  registered: FieldPath[],
  message: (error: FieldProblem, path: FieldPath, fieldPath: FieldPath) => string,
): FieldErrors {
  const fields: FieldErrors["fields"] = [];
  const unplaced: FieldProblem[] = [];
  for (const error of errors) {
    const path = parseFieldPath(error.field);
    let target: FieldPath | undefined;
    for (let length = path.length; length > 0 && !target; length--) {
      target = registered.find((candidate) => samePath(candidate, path.slice(0, length)));
    }
    if (!target) {
      unplaced.push(error);
      continue;
    }
    const text = message(error, path, target);
    const existing = fields.find((entry) => samePath(entry.name, target));
    if (existing) existing.errors.push(text);
    else fields.push({ name: target, errors: [text] });
  }
  return { fields, unplaced };
}
