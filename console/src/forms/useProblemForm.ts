import type { FormInstance } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type FieldProblem } from "../api/problem";
import { fieldErrorMessage } from "../api/problemMessages";
import { type FieldPath, placeFieldErrors } from "./problemFields";

/**
 * Shows a failed submit: field errors of a 422 under their fields, everything else (and field errors no
 * field shows) as the form's alert. Returns the error for the alert and a `report` to call on failure.
 */
export function useProblemForm(form: FormInstance, registered: FieldPath[]) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<unknown>(null);
  const [unplaced, setUnplaced] = useState<FieldProblem[]>([]);

  const report = (error: unknown) => {
    if (error instanceof ApiError && error.problem.errors.length > 0) {
      const placed = placeFieldErrors(error.problem.errors, registered, (item, path, target) =>
        fieldErrorMessage(item, path, target, t),
      );
      form.setFields(placed.fields);
      setUnplaced(placed.unplaced);
    } else {
      setUnplaced([]);
    }
    setFormError(error);
  };
  const clear = () => {
    setFormError(null);
    setUnplaced([]);
  };
  return { formError, unplaced, report, clear };
}
