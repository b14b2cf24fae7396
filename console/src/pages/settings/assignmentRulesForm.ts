/** The assignment rules form: one row per rule (first match wins), each to one user or a round robin. */
import type { AssignmentRules, AssignmentRulesInput } from "../../api/client";
import type { FieldPath } from "../../forms/problemFields";

export interface RuleRow {
  name: string;
  business_line?: string | null;
  region?: string | null;
  mode: "user" | "round_robin";
  assign: { user_id?: string | null; round_robin?: string[] | null };
}

export interface AssignmentRulesFormValues {
  rules: RuleRow[];
  fallback_user_id?: string | null;
}

function text(value: string | null | undefined): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
}

export function formValues(settings: AssignmentRules): AssignmentRulesFormValues {
  return {
    fallback_user_id: settings.fallback_user_id ?? null,
    rules: (settings.rules ?? []).map((rule) => ({
      name: rule.name,
      business_line: rule.business_line ?? null,
      region: rule.region ?? null,
      mode: rule.assign.round_robin?.length ? "round_robin" : "user",
      assign: { user_id: rule.assign.user_id ?? null, round_robin: rule.assign.round_robin ?? [] },
    })),
  };
}

/** The PUT body: each rule sends only the assignee its mode uses; an empty criterion matches anything. */
export function rulesBody(values: AssignmentRulesFormValues): AssignmentRulesInput {
  return {
    fallback_user_id: values.fallback_user_id ?? "",
    rules: (values.rules ?? []).map((row) => {
      const business_line = text(row.business_line);
      const region = text(row.region);
      return {
        name: row.name.trim(),
        ...(business_line ? { business_line } : {}),
        ...(region ? { region } : {}),
        assign:
          row.mode === "round_robin"
            ? { round_robin: row.assign.round_robin ?? [] }
            : { user_id: row.assign.user_id ?? "" },
      };
    }),
  };
}

/** Every field the API may name, for the rules now in the form. */
export function registeredFields(ruleCount: number): FieldPath[] {
  const fields: FieldPath[] = [["fallback_user_id"], ["rules"]];
  for (let index = 0; index < ruleCount; index++) {
    for (const name of ["name", "business_line", "region"]) fields.push(["rules", index, name]);
    fields.push(["rules", index, "assign", "user_id"], ["rules", index, "assign", "round_robin"], ["rules", index, "assign"]);
  }
  return fields;
}
