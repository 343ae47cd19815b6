import { describe, expect, it } from "vitest";
import { breadcrumb, canDrill, categorySpec, shownJurisdiction, trendSpec } from "./drill";

describe("shownJurisdiction", () => {
  it("drills inside the user's scope only", () => {
    expect(shownJurisdiction("110108", "110108001")).toBe("110108001");
    expect(shownJurisdiction("110108001", "110108002001")).toBe("110108001");
    expect(shownJurisdiction("110108001", "110108")).toBe("110108001");
    expect(shownJurisdiction("110108", "1101080011")).toBe("110108");
    expect(shownJurisdiction("110108", "11010800100x")).toBe("110108");
    expect(shownJurisdiction("110108", null)).toBe("110108");
  });
});

describe("breadcrumb", () => {
  it("runs from the scope down to the shown code", () => {
    expect(breadcrumb("110108", "110108001001")).toEqual(["110108", "110108001", "110108001001"]);
    expect(breadcrumb("110108001", "110108001")).toEqual(["110108001"]);
    expect(canDrill("110108001001")).toBe(true);
    expect(canDrill("110108001001001")).toBe(false);
  });
});

describe("specs", () => {
  it("charts every day's reported and closed figures", () => {
    const spec = trendSpec([{ day: "2026-12-01", reported: 4, closed: 1 }, { day: "2026-12-02", reported: 0, closed: 2 }],
      { reported: "上报", closed: "结案" });
    expect(spec.categories).toEqual(["12-01", "12-02"]);
    expect(spec.series).toEqual([{ name: "上报", values: [4, 0] }, { name: "结案", values: [1, 2] }]);
  });

  it("keeps the top categories, named from the catalogue", () => {
    const spec = categorySpec([{ categoryCode: "a", reported: 5 }, { categoryCode: "b", reported: 2 },
      { categoryCode: "c", reported: 1 }], (code) => code.toUpperCase(), "上报", 2);
    expect(spec.categories).toEqual(["A", "B"]);
    expect(spec.series[0]?.values).toEqual([5, 2]);
  });
});
