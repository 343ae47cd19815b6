// ECharts behind the Chart component: only the parts used (line and bar charts, axes, legend, tooltip), drawn on a
// canvas. The tooltip is drawn on the canvas too (richText), so the portal's style-src 'self' policy holds: no
// inline style attributes.
import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { chartOption, type ChartSpec } from "./spec";

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface EChartProps {
  spec: ChartSpec;
  label: string;
  testId?: string;
  theme?: "light" | "dark";
}

export default function EChart({ spec, label, testId, theme = "light" }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const drawn = echarts.init(element.current, theme === "dark" ? "dark" : undefined, { renderer: "canvas" });
    chart.current = drawn;
    const resized = new ResizeObserver(() => drawn.resize());
    resized.observe(element.current);
    return () => {
      resized.disconnect();
      drawn.dispose();
      chart.current = null;
    };
  }, [theme]);
  useEffect(() => {
    chart.current?.setOption(chartOption(spec, theme, label), true);
  }, [spec, theme, label]);
  return <div ref={element} className="chart" role="img" aria-label={label} data-testid={testId}
    data-points={spec.categories.length} />;
}
