// Whether a failed request was the policy refusing the viewer (not a fault), and the API's own reason for it.
import { ApiError } from "../api/errors";

const REFUSALS = new Set(["PERMISSION_DENIED", "FORBIDDEN"]);

/** The reason the API gave for refusing, or null when the error is not a refusal. */
export function refusalReason(error: unknown): string | null {
  if (!(error instanceof ApiError) || !REFUSALS.has(error.code)) return null;
  const item = error.errors[0];
  const reasons = item?.extensions?.reasons ?? [];
  if (reasons.length) return reasons.join("；");
  return (item?.message ?? error.message).replace(/^not allowed:\s*/, "");
}

/** Whether a value the API sent has characters hidden (an ID number or phone masked for this viewer). */
export function isMasked(value: string): boolean {
  return value.includes("*");
}
