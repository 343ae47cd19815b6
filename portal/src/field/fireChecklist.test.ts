import { describe, expect, it } from "vitest";
import { applicableTypes, checklistProblems, isClean, normalized, type ChecklistLine } from "./fireChecklist";

const line = (code: string, result: ChecklistLine["result"], photos = 0): ChecklistLine =>
  ({ hazardTypeCode: code, result, fixedOnSpot: true, note: "", photos });

describe("the fire checklist on the phone", () => {
  const types = [{ code: "a", name: "A", category: "FIRE_SAFETY" as const },
    { code: "r", name: "R", category: "RURAL_HOUSEHOLD" as const }];

  it("offers rural household checks only at a rural household", () => {
    expect(applicableTypes(types, "SMALL_SHOP").map((t) => t.code)).toEqual(["a"]);
    expect(applicableTypes(types, "RURAL_HOUSEHOLD").map((t) => t.code)).toEqual(["a", "r"]);
  });

  it.each([
    ["nothing checked", [line("a", "NOT_INSPECTED")], false, "fireCheck.needChecked", {}],
    ["a pass", [line("a", "PASSED")], true, undefined, {}],
    ["a hazard without a photo", [line("a", "HAZARD_FOUND")], false, undefined, { a: "fireCheck.needPhoto" }],
    ["a hazard with a photo", [line("a", "HAZARD_FOUND", 1)], true, undefined, {}],
    ["an empty list", [], false, "fireCheck.needChecked", {}],
  ])("%s", (_name, lines, clean, whole, perLine) => {
    const problems = checklistProblems(lines);
    expect(isClean(problems)).toBe(clean);
    expect(problems.whole).toBe(whole);
    expect(problems.lines).toEqual(perLine);
  });

  it("fixes on the spot only a hazard found", () => {
    expect(normalized(line("a", "PASSED")).fixedOnSpot).toBe(false);
    expect(normalized(line("a", "HAZARD_FOUND", 1)).fixedOnSpot).toBe(true);
  });
});
