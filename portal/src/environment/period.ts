// The period a patrol, assessment or air-quality page asks about: Beijing days, checked before it is sent.
import type { MessageKey } from "../i18n/zh-CN";
import { TIME_ZONE } from "../i18n/format";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The Beijing calendar day of an instant, as yyyy-MM-dd. */
export function beijingDay(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
}

/** The day ``days`` after (or before, when negative) a yyyy-MM-dd day. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export interface Period {
  start: string;
  end: string;
}

/** The two weeks that ended yesterday in Beijing: windows in them have closed, so due and missed are settled. */
export function defaultPeriod(now: Date): Period {
  const today = beijingDay(now);
  return { start: addDays(today, -14), end: addDays(today, -1) };
}

/** The period in a page's address, or the default one for what it lacks. */
export function periodFrom(params: URLSearchParams, now: Date): Period {
  const fallback = defaultPeriod(now);
  const start = params.get("start") ?? "";
  const end = params.get("end") ?? "";
  return { start: DAY.test(start) ? start : fallback.start, end: DAY.test(end) ? end : fallback.end };
}

/** What is wrong with a period before it is sent, by field. */
export function periodProblems(period: Period): Partial<Record<keyof Period, MessageKey>> {
  const problems: Partial<Record<keyof Period, MessageKey>> = {};
  if (!DAY.test(period.start)) problems.start = "env.dateError";
  if (!DAY.test(period.end)) problems.end = "env.dateError";
  if (!problems.start && !problems.end && period.start > period.end) problems.end = "env.periodError";
  return problems;
}

export interface LevelTotal {
  level: number;
  heads: number;
  windows: number;
  missed: number;
}

/** Patrol windows and the missed ones summed per grid level (1 district … 4 grid), levels in order. */
export function totalsByLevel(rows: readonly { gridHead: { level: number }; missed: number; windows: readonly unknown[] }[]):
  LevelTotal[] {
  const totals = new Map<number, LevelTotal>();
  for (const row of rows) {
    const level = row.gridHead.level;
    const total = totals.get(level) ?? { level, heads: 0, windows: 0, missed: 0 };
    total.heads += 1;
    total.windows += row.windows.length;
    total.missed += row.missed;
    totals.set(level, total);
  }
  return [...totals.values()].sort((a, b) => a.level - b.level);
}
