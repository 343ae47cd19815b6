import { describe, expect, it } from "vitest";
import { chartOption, type ChartSpec } from "./spec";

const TREND: ChartSpec = { kind: "line", categories: ["12-01", "12-02"],
  series: [{ name: "上报", values: [3, 5] }, { name: "结案", values: [1, 2] }] };

describe("chartOption", () => {
  it("draws every series over the categories, with a legend only for several", () => {
    const option = chartOption(TREND, "light");
    expect(option.xAxis).toMatchObject({ type: "category", data: ["12-01", "12-02"] });
    expect(option.series).toEqual([
      { name: "上报", type: "line", data: [3, 5], showSymbol: false },
      { name: "结案", type: "line", data: [1, 2], showSymbol: false },
    ]);
    expect(option.legend).toBeDefined();
    expect(chartOption({ ...TREND, series: TREND.series.slice(0, 1) }, "light").legend).toBeUndefined();
  });

  it("keeps the tooltip on the canvas, so no inline style reaches the page", () => {
    expect(chartOption(TREND, "dark").tooltip).toMatchObject({ renderMode: "richText" });
  });

  it("lays horizontal bars along the vertical axis, first category on top", () => {
    const option = chartOption({ kind: "bar", horizontal: true, categories: ["暴露垃圾"],
      series: [{ name: "上报", values: [4] }] }, "light");
    expect(option.yAxis).toMatchObject({ type: "category", data: ["暴露垃圾"], inverse: true });
    expect(option.xAxis).toMatchObject({ type: "value" });
  });

  it("names the chart with the page's label, which ECharts would otherwise replace", () => {
    expect(chartOption(TREND, "light", "每日上报与结案").aria).toEqual({ enabled: true,
      label: { description: "每日上报与结案" } });
    expect(chartOption(TREND, "light").aria).toEqual({ enabled: true });
  });
});
