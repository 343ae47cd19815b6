// The big screen's clock: Beijing wall-clock time, whatever zone the screen's computer is set to.
import { TIME_ZONE } from "../i18n/format";

/** HH:mm:ss in Beijing time, 24-hour. */
export function formatClock(date: Date): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).format(date);
}
