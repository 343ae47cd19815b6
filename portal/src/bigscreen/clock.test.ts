import { describe, expect, it } from "vitest";
import { formatClock } from "./clock";

describe("formatClock", () => {
  it("reads Beijing time, 24-hour, across the UTC day's end", () => {
    expect(formatClock(new Date("2026-12-02T16:05:09Z"))).toBe("00:05:09");
    expect(formatClock(new Date("2026-12-03T05:30:00Z"))).toBe("13:30:00");
  });
});
