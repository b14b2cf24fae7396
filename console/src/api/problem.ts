/** RFC 9457 problem details as the API sends them, and the errors the console raises from them. */
import type { components } from "./schema";

export type FieldProblem = components["schemas"]["ProblemFieldError"];

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldProblem[];
  /** On 412: the version the entity has now. */
  current_version?: number;
}

/** Any failed API call. `problem` is always filled, even when the server (or the network) sent none. */
export class ApiError extends Error {
  readonly problem: ProblemDetails;

  constructor(problem: ProblemDetails) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** 412: the entity changed since it was read; the caller decides whether to reload or overwrite. */
export class VersionConflictError extends ApiError {
  constructor(problem: ProblemDetails) {
    super(problem);
    this.name = "VersionConflictError";
  }

  get currentVersion(): number | undefined {
    return this.problem.current_version;
  }
}

/** Status 0: the request never got an answer. */
export const NETWORK_FAILURE_STATUS = 0;

export function apiErrorFrom(body: unknown, status: number): ApiError {
  const problem = parseProblem(body, status);
  return status === 412 ? new VersionConflictError(problem) : new ApiError(problem);
}

export function networkError(cause: unknown): ApiError {
  return new ApiError({
    type: "about:blank",
    title: "Network error",
    status: NETWORK_FAILURE_STATUS,
    detail: cause instanceof Error ? cause.message : String(cause),
    errors: [],
  });
}

/** Whatever came back (a problem, an API Gateway message, HTML, nothing) as a problem object. */
export function parseProblem(body: unknown, status: number): ProblemDetails {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const errors = Array.isArray(value.errors)
    ? value.errors
        .filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null)
        .map((item) => ({
          field: typeof item.field === "string" ? item.field : "",
          message: typeof item.message === "string" ? item.message : "",
          code: typeof item.code === "string" ? item.code : "invalid",
        }))
    : [];
  const text = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : "");
  return {
    type: text("type") || "about:blank",
    title: text("title") || (typeof value.message === "string" ? value.message : "") || `HTTP ${status}`,
    status: typeof value.status === "number" ? value.status : status,
    detail: text("detail"),
    errors,
    ...(typeof value.current_version === "number" ? { current_version: value.current_version } : {}),
  };
}
