// The period the "reported" and "found" figures and the hotspots count over: whole Beijing months or a year.
import type { MessageKey } from "../i18n/zh-CN";

export const PERIODS = [
  { id: "thisMonth", label: "map.period.thisMonth" },
  { id: "lastMonth", label: "map.period.lastMonth" },
  { id: "thisYear", label: "map.period.thisYear" },
] as const satisfies readonly { id: string; label: MessageKey }[];

export type PeriodId = (typeof PERIODS)[number]["id"];

export interface Period {
  periodStart: string;
  periodEnd: string;
}

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export function periodIdOf(id: string | null | undefined): PeriodId {
  return PERIODS.find((p) => p.id === id)?.id ?? "thisMonth";
}

/** The period's instants [start, end) as the API takes them: Beijing midnights, whatever the browser's zone. */
export function periodOf(id: PeriodId, now: Date): Period {
  const beijing = new Date(now.getTime() + BEIJING_OFFSET_MS);
  const year = beijing.getUTCFullYear();
  const month = beijing.getUTCMonth();
  const midnight = (y: number, m: number) => new Date(Date.UTC(y, m, 1) - BEIJING_OFFSET_MS).toISOString();
  switch (id) {
    case "lastMonth":
      return { periodStart: midnight(year, month - 1), periodEnd: midnight(year, month) };
    case "thisYear":
      return { periodStart: midnight(year, 0), periodEnd: midnight(year + 1, 0) };
    default:
      return { periodStart: midnight(year, month), periodEnd: midnight(year, month + 1) };
  }
}
