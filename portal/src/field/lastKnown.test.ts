import { describe, expect, it } from "vitest";
import { clearLastKnown, readStored, storageKey } from "./lastKnown";

describe("the kept lists", () => {
  it("are kept per user and grid, read back, and all dropped at sign-out, nothing else", () => {
    const mine = storageKey("cases", "demo-grid-worker", "110108001001001");
    expect(mine).not.toBe(storageKey("cases", "demo-grid-worker", "110108001001002"));
    expect(mine).not.toBe(storageKey("cases", "someone-else", "110108001001001"));
    localStorage.setItem(mine, JSON.stringify({ at: "2026-12-03T13:00:00Z", data: { cases: null } }));
    localStorage.setItem("gridgov.field.categories", "[]");
    expect(readStored(mine)).toEqual({ at: "2026-12-03T13:00:00Z", data: { cases: null } });
    clearLastKnown();
    expect(readStored(mine)).toBeUndefined();
    expect(localStorage.getItem("gridgov.field.categories")).toBe("[]");
  });

  it("reads a damaged entry as nothing kept", () => {
    const key = storageKey("households", "demo-grid-worker", "110108001001001");
    localStorage.setItem(key, "{not json");
    expect(readStored(key)).toBeUndefined();
    localStorage.setItem(key, JSON.stringify({ data: [] }));
    expect(readStored(key)).toBeUndefined();
  });
});
