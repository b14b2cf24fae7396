import type { FormInstance } from "antd";
import { useState } from "react";
import { type FieldPath } from "./problemFields";
import { useProblemForm } from "./useProblemForm";

/** Runs one dialog's save: busy while it runs, problems on the form, `then` with the result on success. */
export function useDialogSave(form: FormInstance, fields: FieldPath[]) {
  const problems = useProblemForm(form, fields);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(save: () => Promise<T>, then: (result: T) => void) => {
    setBusy(true);
    problems.clear();
    try {
      then(await save());
    } catch (error) {
      problems.report(error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run, problems };
}
