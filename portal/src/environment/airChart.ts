// The air-quality comparison as a chart: each pollutant's average here as a percentage of the reference area's,
// beside the reference at 100%. Percentages, because the pollutants are measured in different units.
import type { ChartSpec } from "../charts/spec";

interface Comparison {
  pollutant: string;
  percentOfReference?: number | null;
}

/** The bar chart of ``rows`` with a percentage (a pollutant without a reference average is only in the table), or
 * null when none has one. */
export function airQualitySpec(rows: readonly Comparison[], nameOf: (pollutant: string) => string,
  names: { here: string; reference: string }): ChartSpec | null {
  const shown = rows.filter((row): row is Comparison & { percentOfReference: number } =>
    typeof row.percentOfReference === "number" && Number.isFinite(row.percentOfReference));
  if (shown.length === 0) return null;
  return {
    kind: "bar",
    categories: shown.map((row) => nameOf(row.pollutant)),
    series: [{ name: names.here, values: shown.map((row) => Math.round(row.percentOfReference * 10) / 10) },
      { name: names.reference, values: shown.map(() => 100) }],
  };
}
