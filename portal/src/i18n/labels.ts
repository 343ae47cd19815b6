// The message for an API value (a state, a due status, a role, a mutation), or the value itself when unknown.
import { isMessageKey, type Translate } from "./i18n";

type CaseLabelGroup = "caseState" | "dueStatus" | "tier" | "source" | "role" | "action" | "request" | "satisfaction" | "outcome";
// The departments' pages (fire, environment, registry) label their own enums the same way.
export type LabelGroup = CaseLabelGroup | "fireHazardState" | "firePlaceType" | "fireRisk" | "fireGridLevel" | "fireDueStatus"
  | "fireSeverity" | "fireCheckResult" | "fireInspectionState" | "fireClosure" | "fireLedgerSection"
  | "envLevel" | "envWindow" | "envSourceType" | "envSourceStatus" | "envControl" | "envDust" | "envViolationState"
  | "envAssessmentUnit" | "envPollutant"
  | "jurisdictionLevel" | "gridType" | "careLevel" | "vulnerableTag" | "gender" | "populationType" | "relationship";

export function label(t: Translate, group: LabelGroup, value: string | null | undefined): string {
  if (!value) return "";
  const key = `${group}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}
