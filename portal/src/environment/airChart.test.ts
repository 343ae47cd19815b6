import { describe, expect, it } from "vitest";
import { airQualitySpec } from "./airChart";

const NAMES = { here: "本辖区", reference: "对比区域" };

describe("airQualitySpec", () => {
  it("charts each pollutant's percentage of the reference beside the reference at 100", () => {
    const spec = airQualitySpec([{ pollutant: "PM25", percentOfReference: 112.345 },
      { pollutant: "CO", percentOfReference: 80 }], (p) => `名${p}`, NAMES);
    expect(spec).toEqual({ kind: "bar", categories: ["名PM25", "名CO"], series: [
      { name: "本辖区", values: [112.3, 80] }, { name: "对比区域", values: [100, 100] }] });
  });

  it("leaves out a pollutant without a reference average, and draws nothing when none has one", () => {
    const spec = airQualitySpec([{ pollutant: "PM25", percentOfReference: null }, { pollutant: "O3",
      percentOfReference: 95 }], (p) => p, NAMES);
    expect(spec?.categories).toEqual(["O3"]);
    expect(airQualitySpec([{ pollutant: "PM25", percentOfReference: null }, { pollutant: "NO2" }], (p) => p, NAMES))
      .toBeNull();
  });
});
