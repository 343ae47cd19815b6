// A chart as the pages describe it (categories along one axis, one or more series of figures), and the ECharts
// option that draws it. Kept apart from ECharts itself so it is tested without a canvas.

export interface ChartSeries {
  name: string;
  values: readonly number[];
}

export interface ChartSpec {
  kind: "line" | "bar";
  /** The labels along the category axis (days, categories, pollutants). */
  categories: readonly string[];
  series: readonly ChartSeries[];
  /** Bars laid along the vertical axis, for long labels such as category names. */
  horizontal?: boolean;
}

const PALETTE = ["#1f6fd1", "#d9480f", "#2b8a3e", "#7048e8", "#e8590c"];

/** The ECharts option for ``spec``: axes, a legend when there are several series, a tooltip on the canvas. With
 * ``label``, that is what ECharts writes as the chart's aria-label (it replaces the container's own label with its
 * generated description otherwise); the figures themselves are in the table each chart has beside it. */
export function chartOption(spec: ChartSpec, theme: "light" | "dark", label?: string): Record<string, unknown> {
  const categoryAxis = { type: "category", data: [...spec.categories], axisLabel: { hideOverlap: true } };
  const valueAxis = { type: "value", minInterval: 1 };
  return {
    backgroundColor: "transparent",
    color: PALETTE,
    animation: false,
    aria: label ? { enabled: true, label: { description: label } } : { enabled: true },
    textStyle: { fontSize: 14 },
    grid: { left: spec.horizontal ? 140 : 48, right: 24, top: spec.series.length > 1 ? 40 : 16, bottom: 32 },
    legend: spec.series.length > 1 ? { top: 0, textStyle: { color: theme === "dark" ? "#e6edf3" : "#1b1f24" } }
      : undefined,
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: spec.series.map((s) => ({
      name: s.name, type: spec.kind, data: [...s.values], ...(spec.kind === "line" ? { showSymbol: false } : {}),
    })),
  };
}
