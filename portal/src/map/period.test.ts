import { describe, expect, it } from "vitest";
import { periodIdOf, periodOf } from "./period";

describe("periodOf", () => {
  it("counts whole Beijing months, even where the UTC date is still the month before", () => {
    const now = new Date("2026-11-30T17:00:00Z"); // 1 December, 01:00 in Beijing
    expect(periodOf("thisMonth", now)).toEqual({
      periodStart: "2026-11-30T16:00:00.000Z", periodEnd: "2026-12-31T16:00:00.000Z" });
    expect(periodOf("lastMonth", now)).toEqual({
      periodStart: "2026-10-31T16:00:00.000Z", periodEnd: "2026-11-30T16:00:00.000Z" });
  });

  it("crosses the year's end for last month, and spans the Beijing year", () => {
    const now = new Date("2027-01-15T04:00:00Z");
    expect(periodOf("lastMonth", now).periodStart).toBe("2026-11-30T16:00:00.000Z");
    expect(periodOf("thisYear", now)).toEqual({
      periodStart: "2026-12-31T16:00:00.000Z", periodEnd: "2027-12-31T16:00:00.000Z" });
  });

  it("falls back to this month for an unknown period", () => {
    expect(periodIdOf("nope")).toBe("thisMonth");
    expect(periodIdOf("lastMonth")).toBe("lastMonth");
  });
});
