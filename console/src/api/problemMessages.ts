/** Readable, localized text for a failed call: never a stack trace, never raw JSON. */
import type { TFunction } from "i18next";
import { AuthError } from "../auth/cognito";
import type { FieldPath } from "../forms/problemFields";
import { ApiError, type FieldProblem, NETWORK_FAILURE_STATUS } from "./problem";

const KEY_BY_STATUS: Record<number, string> = {
  [NETWORK_FAILURE_STATUS]: "errors.network",
  401: "errors.unauthorized",
  403: "errors.forbidden",
  404: "errors.notFound",
  409: "errors.conflict",
  412: "errors.conflict",
  413: "errors.tooLarge",
  422: "errors.validation",
  428: "errors.preconditionRequired",
  429: "errors.rateLimited",
};

export function problemMessage(error: unknown, t: TFunction): string {
  if (error instanceof AuthError) return t(error.messageKey);
  if (error instanceof ApiError) {
    const key = KEY_BY_STATUS[error.status] ?? (error.status >= 500 ? "errors.server" : undefined);
    // 409 and 400 details are specific ("an account with this name exists"); the generic line adds nothing.
    if ((error.status === 409 || error.status === 400) && error.problem.detail) return error.problem.detail;
    return key ? t(key) : error.problem.detail || error.problem.title;
  }
  return t("errors.unexpected");
}

/** A field error in the user's language where its code is known, else the API's own message. */
export function fieldErrorMessage(error: FieldProblem, path: FieldPath, fieldPath: FieldPath, t: TFunction): string {
  const key = `fieldErrors.${error.code}`;
  const text = t(key, { defaultValue: "" }) || error.message;
  const item = path[fieldPath.length];
  return typeof item === "number" ? t("fieldErrors.itemPrefix", { index: item + 1, message: text }) : text;
}
