import { describe, expect, it } from "vitest";
import { rankGrids, total } from "./panels";

describe("the grid ranking", () => {
  it("puts the most open cases first, overdue breaking ties, and leaves out grids with none", () => {
    const rows = [
      { jurisdictionCode: "c", open: 2, overdue: 0 },
      { jurisdictionCode: "a", open: 5, overdue: 1 },
      { jurisdictionCode: "b", open: 2, overdue: 2 },
      { jurisdictionCode: "d", open: 0, overdue: 0 },
    ];
    expect(rankGrids(rows, 10).map((r) => r.jurisdictionCode)).toEqual(["a", "b", "c"]);
    expect(rankGrids(rows, 2).map((r) => r.jurisdictionCode)).toEqual(["a", "b"]);
  });

  it("sums a field over the grids, and knows nothing before the answer", () => {
    expect(total([{ open: 2 }, { open: 3 }], (r) => r.open)).toBe(5);
    expect(total([], (r: { open: number }) => r.open)).toBe(0);
    expect(total(undefined, (r: { open: number }) => r.open)).toBeUndefined();
  });
});
