// A ledger request that failed: the policy's refusal with its reason, or the error and each problem of the file.
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../api/errors";
import { useI18n } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { refusalReason } from "./refusal";

export function RequestFailure({ error, prefix, children }: { error: unknown; prefix?: string; children?: ReactNode }) {
  const { t } = useI18n();
  const refused = refusalReason(error);
  // A file refused whole (unreadable, a column missing, a cell too long) names each problem as a violation.
  const problems = error instanceof ApiError && refused === null
    ? error.errors.flatMap((item) => item.extensions?.fieldViolations ?? []).map((v) => v.description) : [];
  return (
    <div data-testid={refused === null ? "request-failure" : "refusal"}>
      <Notice kind="error">
        {prefix ? `${prefix} ` : ""}
        {refused === null ? errorMessage(error, t) : t("registry.ledgerRefused", { reason: refused })}
        {problems.length > 1 ? <ul>{problems.map((problem, i) => <li key={i}>{problem}</li>)}</ul> : null}
        {children ? <> {children}</> : null}
      </Notice>
    </div>
  );
}
