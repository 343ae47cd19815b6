// A chart drawn by ECharts, loaded only when a page first shows one (the first page's script stays small).
import { lazy, Suspense } from "react";
import type { ChartSpec } from "./spec";

const EChart = lazy(() => import("./EChart"));

interface ChartProps {
  spec: ChartSpec;
  /** What the chart shows, read to screen readers (the figures are also in the table beside it). */
  label: string;
  testId?: string;
  theme?: "light" | "dark";
}

export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<div className="chart" aria-busy="true" />}>
      <EChart {...props} />
    </Suspense>
  );
}
