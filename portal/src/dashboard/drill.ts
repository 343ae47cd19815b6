// The dashboard's drill-down: district → street → community → grid, kept in the URL (?under=CODE) so a view can
// be bookmarked; never above the user's own jurisdiction.
import type { ChartSpec } from "../charts/spec";

const LEVELS = [6, 9, 12, 15];

/** The jurisdiction the dashboard shows: ``under`` when it is a code inside ``scope``, otherwise ``scope``. */
export function shownJurisdiction(scope: string, under: string | null): string {
  if (!under || !/^\d+$/.test(under) || !LEVELS.includes(under.length) || !under.startsWith(scope)) return scope;
  return under;
}

/** The codes from ``scope`` down to ``shown``, both included: the breadcrumb. */
export function breadcrumb(scope: string, shown: string): string[] {
  const start = scope.length === 0 ? 6 : scope.length;
  return LEVELS.filter((length) => length >= start && length <= shown.length).map((length) => shown.slice(0, length));
}

/** Whether a code has children to drill into (a grid has none). */
export function canDrill(code: string): boolean {
  return code.length < 15;
}

interface Day { day: string; reported: number; closed: number }

/** The period's trend: cases reported and closed per Beijing day (the API's days, labelled MM-DD). */
export function trendSpec(days: readonly Day[], names: { reported: string; closed: string }): ChartSpec {
  return {
    kind: "line",
    categories: days.map((d) => d.day.slice(5)),
    series: [{ name: names.reported, values: days.map((d) => d.reported) },
      { name: names.closed, values: days.map((d) => d.closed) }],
  };
}

interface Category { categoryCode: string; reported: number }

/** The most reported categories (the API sends them most reported first), named from the catalogue. */
export function categorySpec(categories: readonly Category[], nameOf: (code: string) => string, name: string,
  top = 10): ChartSpec {
  const shown = categories.slice(0, top);
  return { kind: "bar", horizontal: true, categories: shown.map((c) => nameOf(c.categoryCode)),
    series: [{ name, values: shown.map((c) => c.reported) }] };
}
