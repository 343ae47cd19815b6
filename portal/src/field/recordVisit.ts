// A visit to a household as the registry takes it, sent with the idempotency key it was queued under.
import type { ApiClient } from "../api/client";
import { graphql } from "../gql";
import type { RecordVisitInput } from "../gql/graphql";
import type { QueuedWrite } from "./offlineQueue";

export const RecordVisit = graphql(`
  mutation RecordVisit($input: RecordVisitInput!, $idempotencyKey: String) {
    recordVisit(input: $input, idempotencyKey: $idempotencyKey) { id householdId visitedAt }
  }
`);

export const VISIT_OPERATION = "recordVisit";

export interface VisitVariables {
  /** visitedAt is when the worker recorded it on the phone, not when the queue got it through. */
  input: RecordVisitInput;
  /** For the queue's list: whose household it was. */
  summary: string;
}

/** The households with a visit waiting in the queue. */
export function householdsWaiting(writes: readonly QueuedWrite[]): Set<string> {
  return new Set(writes.filter((w) => w.operation === VISIT_OPERATION)
    .map((w) => (w.variables as VisitVariables).input.householdId));
}

export async function sendVisit(api: ApiClient, write: QueuedWrite<VisitVariables>): Promise<void> {
  await api.request(RecordVisit, { input: write.variables.input, idempotencyKey: write.key });
}
