// The checklist of a fire-safety inspection as the phone fills it in, checked as the fire service will check it,
// so an inspection recorded offline is not refused when it is finally sent.
import type { FireCheckResult, FireHazardCategory, FirePlaceType } from "../gql/graphql";
import type { MessageKey } from "../i18n/zh-CN";

export interface HazardType {
  code: string;
  name: string;
  category: FireHazardCategory;
}

export interface ChecklistLine {
  hazardTypeCode: string;
  result: FireCheckResult;
  fixedOnSpot: boolean;
  note: string;
  photos: number;
}

/** The catalogue's lines that apply to a place: rural household checks only at a rural household. */
export function applicableTypes<T extends HazardType>(types: readonly T[], placeType: FirePlaceType): T[] {
  return types.filter((type) => type.category !== "RURAL_HOUSEHOLD" || placeType === "RURAL_HOUSEHOLD");
}

export interface ChecklistProblems {
  /** Problems of one line, by hazard type code. */
  lines: Record<string, MessageKey>;
  /** A problem of the checklist as a whole. */
  whole?: MessageKey;
}

export function checklistProblems(lines: readonly ChecklistLine[]): ChecklistProblems {
  const problems: ChecklistProblems = { lines: {} };
  for (const line of lines) {
    if (line.result === "HAZARD_FOUND" && line.photos === 0) problems.lines[line.hazardTypeCode] = "fireCheck.needPhoto";
  }
  if (!lines.some((line) => line.result === "PASSED" || line.result === "HAZARD_FOUND")) {
    problems.whole = "fireCheck.needChecked";
  }
  return problems;
}

/** Whether there is nothing to correct. */
export function isClean(problems: ChecklistProblems): boolean {
  return problems.whole === undefined && Object.keys(problems.lines).length === 0;
}

/** The lines as the API takes them: a line not a hazard found is never fixed on the spot. */
export function normalized(line: ChecklistLine): ChecklistLine {
  return line.result === "HAZARD_FOUND" ? line : { ...line, fixedOnSpot: false };
}
