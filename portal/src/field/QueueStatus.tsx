// What the phone's queue holds, above every record page: offline with how many wait, a send-now while some wait
// online, and each write the API refused with its reason until the person dismisses it.
import { formatDateTime } from "../i18n/format";
import { useI18n, type Translate } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { OPERATION_LABELS } from "./fieldWrites";
import type { ReplayResult } from "./offlineQueue";
import type { FieldQueue } from "./useFieldQueue";

export interface Outcome {
  kind: "success" | "info" | "error";
  text: string;
}

/** The largest photo a record takes, as the gateway takes a photo. */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

/** The first of ``files`` too large to send, if any. */
export function tooLargePhoto(files: readonly File[]): File | undefined {
  return files.find((file) => file.size > MAX_PHOTO_BYTES);
}

/** What became of the write queued under ``key`` in the replay that followed. */
export function outcomeOf(t: Translate, result: ReplayResult | null, key: string): Outcome {
  if (result?.sent.includes(key)) return { kind: "success", text: t("report.synced") };
  const reason = result?.reasons[key];
  if (reason !== undefined) return { kind: "error", text: t("report.failed", { reason }) };
  return { kind: "info", text: t("report.queued") };
}

/** The outcome of the last write sent from a record page. */
export function OutcomeNotice({ outcome, testId = "record-outcome" }: { outcome: Outcome | null; testId?: string }) {
  return outcome ? <div data-testid={testId}><Notice kind={outcome.kind}>{outcome.text}</Notice></div> : null;
}

export function QueueStatus({ queue }: { queue: FieldQueue }) {
  const { t, locale } = useI18n();
  return (
    <>
      {!queue.online ? (
        <div data-testid="offline-banner"><Notice kind="warning">{t("report.offline", { count: queue.pending })}</Notice></div>
      ) : queue.pending > 0 ? (
        <div data-testid="pending-banner">
          <Notice kind="info">
            {t("report.pending", { count: queue.pending })}{" "}
            <button type="button" onClick={() => void queue.sync()} disabled={queue.syncing}>{t("report.sendNow")}</button>
          </Notice>
        </div>
      ) : null}
      {queue.syncing ? <Notice kind="info">{t("report.syncing")}</Notice> : null}
      {queue.refused.length ? (
        <section className="panel" aria-labelledby="queue-refused" data-testid="queue-refused">
          <h2 id="queue-refused">{t("queue.refusedTitle", { count: queue.refused.length })}</h2>
          <ul className="report-list">
            {queue.refused.map((w) => (
              <li key={w.key} data-testid="refused-write">
                <strong>{t(OPERATION_LABELS[w.operation] ?? "queue.unknown")}</strong>
                <span>{summaryOf(w.variables)} · {formatDateTime(new Date(w.createdAt).toISOString(), locale)}</span>
                <span className="field-error">{t("report.failed", { reason: w.refused ?? "" })}</span>
                <button type="button" className="button-secondary" onClick={() => void queue.dismiss(w.key)}>
                  {t("queue.dismiss")}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function summaryOf(variables: unknown): string {
  if (typeof variables !== "object" || variables === null) return "";
  const { summary, input } = variables as { summary?: unknown; input?: { description?: unknown } };
  if (typeof summary === "string") return summary;
  return typeof input?.description === "string" ? input.description.slice(0, 40) : "";
}
