// Every write the phone queues, sent by its operation with the idempotency key it was queued under.
import type { ApiClient } from "../api/client";
import { mayRetry } from "../api/errors";
import type { MessageKey } from "../i18n/zh-CN";
import { FIRE_INSPECTION_OPERATION, sendFireInspection, type FireInspectionVariables } from "./fireInspection";
import type { QueuedWrite } from "./offlineQueue";
import { PATROL_OPERATION, sendPatrol, type PatrolVariables } from "./recordPatrol";
import { sendVisit, VISIT_OPERATION, type VisitVariables } from "./recordVisit";
import { REPORT_OPERATION, sendReport, type ReportVariables } from "./reportCase";

/** What a queued write is, as its row in the queue says it. */
export const OPERATION_LABELS: Readonly<Record<string, MessageKey>> = {
  [REPORT_OPERATION]: "queue.reportCase",
  [VISIT_OPERATION]: "queue.recordVisit",
  [FIRE_INSPECTION_OPERATION]: "queue.fireInspection",
  [PATROL_OPERATION]: "queue.recordPatrol",
};

export async function sendWrite(api: ApiClient, write: QueuedWrite): Promise<void> {
  switch (write.operation) {
    case REPORT_OPERATION:
      await sendReport(api, write as QueuedWrite<ReportVariables>);
      return;
    case VISIT_OPERATION:
      await sendVisit(api, write as QueuedWrite<VisitVariables>);
      return;
    case FIRE_INSPECTION_OPERATION:
      await sendFireInspection(api, write as QueuedWrite<FireInspectionVariables>);
      return;
    case PATROL_OPERATION:
      await sendPatrol(api, write as QueuedWrite<PatrolVariables>);
      return;
    default:
      // A write of an operation this portal no longer knows: refused, kept for the user to see and dismiss.
      throw new UnknownOperation(write.operation);
  }
}

export class UnknownOperation extends Error {
  constructor(readonly operation: string) {
    super(`unknown queued operation ${operation}`);
  }
}

/** Why the API refused a write (kept aside, not retried), or null when it may succeed later (sent again with the
 * same key). */
export function refusalOf(error: unknown): string | null {
  if (error instanceof UnknownOperation) return error.message;
  if (mayRetry(error)) return null;
  return error instanceof Error ? error.message : String(error);
}
