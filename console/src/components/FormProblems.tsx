import { Alert } from "antd";
import type { FieldProblem } from "../api/problem";
import { ErrorAlert } from "./ErrorAlert";

/** Above a form: the failed save in one line, plus field errors no field of the form shows. */
export function FormProblems({ error, unplaced }: { error: unknown; unplaced: FieldProblem[] }) {
  return (
    <>
      <ErrorAlert error={error} />
      {unplaced.length > 0 && (
        <Alert
          type="warning"
          role="alert"
          title={unplaced.map((item) => `${item.field}: ${item.message}`).join(" ")}
          style={{ marginBottom: 16 }}
        />
      )}
    </>
  );
}
