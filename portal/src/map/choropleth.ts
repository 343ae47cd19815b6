// What the choropleth shows: the metrics a grid can be coloured by, their thresholds and colours, the zoom band.
import type { MessageKey } from "../i18n/zh-CN";

/** The service a metric's counts come from: each is its own request, so one down leaves the others working. */
export type MetricSource = "cases" | "fire" | "pollution";

export interface Metric {
  id: string;
  source: MetricSource;
  /** The field of the service's per-grid count row. */
  field: string;
  label: MessageKey;
}

export const METRICS = [
  { id: "caseOpen", source: "cases", field: "open", label: "map.metric.caseOpen" },
  { id: "caseOverdue", source: "cases", field: "overdue", label: "map.metric.caseOverdue" },
  { id: "caseDueSoon", source: "cases", field: "dueSoon", label: "map.metric.caseDueSoon" },
  { id: "caseReported", source: "cases", field: "reported", label: "map.metric.caseReported" },
  { id: "fireOpen", source: "fire", field: "open", label: "map.metric.fireOpen" },
  { id: "fireOverdue", source: "fire", field: "overdue", label: "map.metric.fireOverdue" },
  { id: "pollutionOpen", source: "pollution", field: "open", label: "map.metric.pollutionOpen" },
  { id: "pollutionFound", source: "pollution", field: "found", label: "map.metric.pollutionFound" },
] as const satisfies readonly Metric[];

export type MetricId = (typeof METRICS)[number]["id"];

export function metricOf(id: string | null | undefined): (typeof METRICS)[number] {
  return METRICS.find((m) => m.id === id) ?? METRICS[0];
}

/** A grid's count row as any of the three services gives it. */
export type CountRow = { jurisdictionCode: string } & Partial<Record<string, number | string>>;

/** Each grid's value of the metric, by code; grids the service left out have none (0). */
export function valuesOf(rows: readonly CountRow[] | null | undefined, metric: Metric): Map<string, number> {
  const values = new Map<string, number>();
  for (const row of rows ?? []) {
    const value = row[metric.field];
    if (typeof value === "number") values.set(row.jurisdictionCode, value);
  }
  return values;
}

// ColorBrewer's YlOrRd, as Leaflet's choropleth example uses it: light for few, dark red for many.
export const COLOURS = ["#FFEDA0", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#BD0026", "#800026"];
export const ZERO_COLOUR = "#E8ECF0";
const MAX_CLASSES = 7;

/**
 * The lower bounds of the classes above zero, ascending, from 1: one class per value up to 7, else steps of
 * 1, 2 or 5 times a power of ten so that at most 7 classes cover the largest value.
 */
export function thresholds(max: number): number[] {
  if (!(max >= 1)) return [];
  if (max <= MAX_CLASSES) return Array.from({ length: Math.floor(max) }, (_, i) => i + 1);
  let step = 1;
  for (let power = 1; ; power *= 10) {
    const found = [1, 2, 5].map((m) => m * power).find((s) => Math.floor(max / s) + 1 <= MAX_CLASSES);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const bounds = [1];
  for (let bound = step; bound <= max; bound += step) if (bound > 1) bounds.push(bound);
  return bounds;
}

/** The colour of each class above zero: spread over the ramp, darkest for the highest. */
export function classColours(count: number): string[] {
  if (count <= 0) return [];
  const last = COLOURS.length - 1;
  if (count === 1) return [COLOURS[last] as string];
  return Array.from({ length: count }, (_, i) => COLOURS[Math.round((i * last) / (count - 1))] as string);
}

export function colourOf(value: number, bounds: readonly number[]): string {
  const colours = classColours(bounds.length);
  for (let i = bounds.length - 1; i >= 0; i -= 1) {
    if (value >= (bounds[i] as number)) return colours[i] as string;
  }
  return ZERO_COLOUR;
}

export interface LegendEntry {
  colour: string;
  from: number;
  /** The class's highest value; null for the open top class. */
  to: number | null;
}

/** The legend: zero first, then each class with its range. */
export function legendOf(bounds: readonly number[]): LegendEntry[] {
  const colours = classColours(bounds.length);
  return [{ colour: ZERO_COLOUR, from: 0, to: 0 },
    ...bounds.map((from, i) => {
      const next = bounds[i + 1];
      return { colour: colours[i] as string, from, to: next === undefined ? null : next - 1 };
    })];
}

// The gateway simplifies to one pixel of the zoom, in power-of-two bands of 1 to 4,096 m (services/registry):
// every zoom from 4 to 16 is a band of its own, the ones below and above share the ends.
const BAND_MIN_ZOOM = 4;
const BAND_MAX_ZOOM = 16;

/** The zoom to ask the boundary layer for: the same band, the same answer (and the client's cache hits). */
export function zoomBand(zoom: number): number {
  return Math.min(Math.max(Math.round(zoom), BAND_MIN_ZOOM), BAND_MAX_ZOOM);
}

export interface MapBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const BOX_DECIMALS = 4;

/** The box a point layer asks for: inside the world's degrees, west < east and south < north, rounded. */
export function boxOf(bounds: MapBox): MapBox {
  const round = (value: number, down: boolean) => {
    const scale = 10 ** BOX_DECIMALS;
    return (down ? Math.floor(value * scale) : Math.ceil(value * scale)) / scale;
  };
  const clamp = (value: number, limit: number) => Math.min(Math.max(value, -limit), limit);
  const west = round(clamp(bounds.west, 180), true);
  const east = Math.max(round(clamp(bounds.east, 180), false), west + 10 ** -BOX_DECIMALS);
  const south = round(clamp(bounds.south, 85), true);
  const north = Math.max(round(clamp(bounds.north, 85), false), south + 10 ** -BOX_DECIMALS);
  return { west, south, east, north };
}
