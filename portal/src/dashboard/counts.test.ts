import { describe, expect, it } from "vitest";
import { openCount } from "./counts";

describe("openCount", () => {
  it("adds the states still being worked on, not reported, closed or archived ones", () => {
    expect(openCount([{ state: "REPORTED", count: 4 }, { state: "REGISTERED", count: 2 }, { state: "ACCEPTED", count: 3 },
      { state: "HANDLED", count: 1 }, { state: "CLOSED", count: 9 }, { state: "ARCHIVED", count: 7 }])).toBe(6);
    expect(openCount([])).toBe(0);
  });
});
