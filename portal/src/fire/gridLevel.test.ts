import { describe, expect, it } from "vitest";
import { gridLevelOf, isJurisdictionCode } from "./gridLevel";

describe("gridLevelOf", () => {
  it.each([
    ["110108001", "BIG"],
    ["110108001001", "MEDIUM"],
    ["110108001001001", "SMALL"],
    ["110108", null],
    ["11010800100", null],
    ["11010800100x", null],
    ["", null],
  ])("gives %s the level %s", (code, level) => {
    expect(gridLevelOf(code)).toBe(level);
  });
});

describe("isJurisdictionCode", () => {
  it("takes 6, 9, 12 or 15 digits only", () => {
    expect(["110108", "110108001", "110108001001", "110108001001001"].every(isJurisdictionCode)).toBe(true);
    expect(["", "1101080", "11010800100１", "110108001001001001", "abcdef"].some(isJurisdictionCode)).toBe(false);
  });
});
