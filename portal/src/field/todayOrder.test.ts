import { describe, expect, it } from "vitest";
import { byDeadline } from "./todayOrder";

describe("byDeadline", () => {
  it("puts the soonest deadline first and rows without one last, leaving the rows as they were", () => {
    const rows = [
      { id: "none", at: null }, { id: "late", at: "2026-12-05T01:00:00Z" },
      { id: "soon", at: "2026-12-04T09:00:00+08:00" }, { id: "bad", at: "not a date" },
    ];
    expect(byDeadline(rows, (row) => row.at).map((row) => row.id)).toEqual(["soon", "late", "none", "bad"]);
    expect(rows[0]?.id).toBe("none");
  });
});
