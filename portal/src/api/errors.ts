// What a failed request tells the user: one message in their language, and each bad field's own message.
import { isMessageKey, type Translate } from "../i18n/i18n";

export interface FieldViolation {
  field: string;
  description: string;
}

export interface GraphQLErrorItem {
  message: string;
  path?: readonly (string | number)[];
  extensions?: {
    code?: string;
    service?: string;
    field?: string;
    fieldViolations?: FieldViolation[];
    currentState?: string;
    allowedActions?: string[];
    /** Why the policy refused (PERMISSION_DENIED), in its own words. */
    reasons?: string[];
  };
}

export type ApiErrorKind = "network" | "unauthenticated" | "http" | "graphql";

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly errors: readonly GraphQLErrorItem[] = [],
    readonly status = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The first error's code (INVALID_ARGUMENT, FORBIDDEN, …), if the API gave one. */
  get code(): string {
    return this.errors[0]?.extensions?.code ?? "";
  }
}

/**
 * The API's field violations keyed by the form field they concern: "input.comment" and "comment" both go
 * to the form's "comment". A violation naming no field of the form stays with the whole form (key "").
 */
export function fieldErrors(error: ApiError, formFields: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of error.errors) {
    const violations = item.extensions?.fieldViolations
      ?? (item.extensions?.field ? [{ field: item.extensions.field, description: item.message }] : []);
    for (const violation of violations) {
      const name = formField(violation.field, formFields);
      if (name !== null && !(name in result)) result[name] = violation.description;
    }
  }
  return result;
}

function formField(path: string, formFields: readonly string[]): string | null {
  const segments = path.split(".").map((segment) => segment.replace(/\[\d+\]$/, ""));
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const candidate = segments[i];
    if (candidate !== undefined && formFields.includes(candidate)) return candidate;
  }
  return null;
}

/** The message to show for the whole request, in the user's language, with the API's own words kept. */
export function errorMessage(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t("error.generic", { message: String(error) });
  if (error.kind === "network") return t("error.network");
  if (error.kind === "unauthenticated") return t("error.unauthenticated");
  const key = `error.${error.code}`;
  const known = isMessageKey(key) ? t(key) : "";
  const detail = error.errors[0]?.message ?? error.message;
  return known ? `${known}（${detail}）` : t("error.generic", { message: detail });
}

/** Whether the same request may succeed if sent again: it never got an answer (the network, an expired session),
 * or a service was down or failed (it may even have made the change before its answer was lost: a retry under the
 * same idempotency key is answered as the first send was). A refusal or an invalid request stays what it is. */
export function mayRetry(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  if (error.kind === "network" || error.kind === "unauthenticated") return true;
  return error.errors.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE") || error.status >= 500;
}
