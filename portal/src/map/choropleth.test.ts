import { describe, expect, it } from "vitest";
import { boxOf, classColours, colourOf, COLOURS, legendOf, metricOf, thresholds, valuesOf, ZERO_COLOUR, zoomBand }
  from "./choropleth";

describe("thresholds", () => {
  it.each([
    [0, []],
    [1, [1]],
    [7, [1, 2, 3, 4, 5, 6, 7]],
    [8, [1, 2, 4, 6, 8]],
    [23, [1, 5, 10, 15, 20]],
    [100, [1, 20, 40, 60, 80, 100]],
    [4999, [1, 1000, 2000, 3000, 4000]],
  ])("splits up to %d into at most 7 classes from 1", (max, bounds) => {
    expect(thresholds(max)).toEqual(bounds);
    expect(thresholds(max).length).toBeLessThanOrEqual(7);
  });

  it("has no class for nothing or nonsense", () => {
    expect(thresholds(Number.NaN)).toEqual([]);
    expect(thresholds(-3)).toEqual([]);
  });
});

describe("colours", () => {
  it("gives zero its own colour and the top class the darkest", () => {
    const bounds = thresholds(23);
    expect(colourOf(0, bounds)).toBe(ZERO_COLOUR);
    expect(colourOf(1, bounds)).toBe(COLOURS[0]);
    expect(colourOf(4, bounds)).toBe(COLOURS[0]);
    expect(colourOf(23, bounds)).toBe(COLOURS[COLOURS.length - 1]);
    expect(new Set(classColours(7)).size).toBe(7);
  });

  it("labels the legend with each class's range", () => {
    expect(legendOf([1, 5, 10]).map((e) => [e.from, e.to])).toEqual([[0, 0], [1, 4], [5, 9], [10, null]]);
  });
});

describe("metrics", () => {
  it("reads the metric's field of each grid's row", () => {
    const values = valuesOf([{ jurisdictionCode: "a", open: 3, overdue: 1 }, { jurisdictionCode: "b", open: 0 }],
      metricOf("caseOverdue"));
    expect([...values]).toEqual([["a", 1]]);
    expect(metricOf("nope").id).toBe("caseOpen");
  });
});

describe("the view", () => {
  it("asks for the boundary layer by the gateway's tolerance bands", () => {
    expect(zoomBand(2)).toBe(4);
    expect(zoomBand(12.4)).toBe(12);
    expect(zoomBand(19)).toBe(16);
  });

  it("keeps a box inside the world's degrees, west < east and south < north", () => {
    expect(boxOf({ west: -200, south: -90, east: 200, north: 90 })).toEqual({ west: -180, south: -85, east: 180,
      north: 85 });
    const box = boxOf({ west: 116.29771, south: 39.90661, east: 116.29771, north: 39.90661 });
    expect(box.west).toBeLessThan(box.east);
    expect(box.south).toBeLessThan(box.north);
  });
});
