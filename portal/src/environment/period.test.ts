import { describe, expect, it } from "vitest";
import { addDays, beijingDay, defaultPeriod, periodFrom, periodProblems, totalsByLevel } from "./period";

describe("the period", () => {
  it("counts days in Beijing, whatever the browser's zone", () => {
    expect(beijingDay(new Date("2026-12-02T16:30:00Z"))).toBe("2026-12-03");
    expect(beijingDay(new Date("2026-12-02T15:59:00Z"))).toBe("2026-12-02");
  });

  it("steps across months and years", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("defaults to the two weeks that ended yesterday", () => {
    expect(defaultPeriod(new Date("2026-12-03T04:00:00Z"))).toEqual({ start: "2026-11-19", end: "2026-12-02" });
  });

  it("takes the address's days and falls back for a bad one", () => {
    const now = new Date("2026-12-03T04:00:00Z");
    expect(periodFrom(new URLSearchParams("start=2026-11-01&end=2026-11-30"), now))
      .toEqual({ start: "2026-11-01", end: "2026-11-30" });
    expect(periodFrom(new URLSearchParams("start=yesterday"), now)).toEqual({ start: "2026-11-19", end: "2026-12-02" });
  });

  it("refuses a missing day or a start after the end", () => {
    expect(periodProblems({ start: "2026-11-01", end: "2026-11-30" })).toEqual({});
    expect(periodProblems({ start: "", end: "2026-11-30" })).toEqual({ start: "env.dateError" });
    expect(periodProblems({ start: "2026-12-01", end: "2026-11-30" })).toEqual({ end: "env.periodError" });
    expect(periodProblems({ start: "2026-11-30", end: "2026-11-30" })).toEqual({});
  });
});

describe("totalsByLevel", () => {
  it("sums windows and missed per level, levels in order", () => {
    const row = (level: number, windows: number, missed: number) =>
      ({ gridHead: { level }, missed, windows: Array.from({ length: windows }) });
    expect(totalsByLevel([row(4, 5, 2), row(3, 2, 1), row(4, 5, 0)])).toEqual([
      { level: 3, heads: 1, windows: 2, missed: 1 },
      { level: 4, heads: 2, windows: 10, missed: 2 },
    ]);
    expect(totalsByLevel([])).toEqual([]);
  });
});
