// A grid head's patrol as the inspection service takes it (the patroller is the caller), sent with the
// idempotency key it was queued under.
import type { ApiClient } from "../api/client";
import { graphql } from "../gql";
import type { PatrolInput } from "../gql/graphql";
import type { QueuedWrite } from "./offlineQueue";

export const RecordPatrol = graphql(`
  mutation RecordPatrol($input: PatrolInput!, $idempotencyKey: String) {
    recordPatrol(input: $input, idempotencyKey: $idempotencyKey) { id jurisdictionCode patrolledAt }
  }
`);

export const PATROL_OPERATION = "recordPatrol";

export interface PatrolVariables {
  input: PatrolInput;
  summary: string;
}

export async function sendPatrol(api: ApiClient, write: QueuedWrite<PatrolVariables>): Promise<void> {
  await api.request(RecordPatrol, { input: write.variables.input, idempotencyKey: write.key });
}
