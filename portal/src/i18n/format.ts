// Dates and figures as a person in the district reads them: Beijing time, whatever the browser's zone.
import type { Locale } from "./i18n";

export const TIME_ZONE = "Asia/Shanghai";

/** An API timestamp (ISO 8601) as yyyy-MM-dd HH:mm in Beijing time; "" for none. */
export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const text = `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
  return locale === "zh-CN" ? text : `${text} (UTC+8)`;
}

/** The header's date: 2026年12月03日 星期四 in Chinese, Thursday 3 December 2026 in English, in Beijing time. */
export function formatHeaderDate(date: Date, locale: Locale): string {
  if (locale === "zh-CN") {
    const parts = new Intl.DateTimeFormat("zh-CN", {
      timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", weekday: "long",
    }).formatToParts(date);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("year")}年${part("month")}月${part("day")}日 ${part("weekday")}`;
  }
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE, weekday: "long", year: "numeric", month: "long", day: "numeric",
  }).format(date);
}

/** A rate from the API (0..1) as a percentage with one decimal. */
export function formatRate(rate: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 })
    .format(rate);
}

/** A datetime-local input's value (Beijing wall-clock time) as the ISO instant the API takes. */
export function beijingInputToIso(value: string): string {
  return value ? new Date(`${value}:00+08:00`).toISOString() : "";
}
