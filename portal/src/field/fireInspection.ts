// A fire-safety inspection recorded on the phone, sent as one write: the API takes it in three steps (start,
// checklist, finalize), so a replay after a lost answer picks up where the first send stopped. The start carries
// the idempotency key (a replay answers with the same inspection); the inspection's state, read again, says
// whether the checklist and the finalizing are still to do; the checklist replaces the draft's, so sending it
// twice records it once.
import type { ApiClient } from "../api/client";
import { graphql } from "../gql";
import type { FireCheckResult, FireGridLevel } from "../gql/graphql";
import type { QueuedWrite } from "./offlineQueue";

export const StartFireInspection = graphql(`
  mutation StartFireInspection($placeId: ID!, $gridLevel: FireGridLevel!, $idempotencyKey: String) {
    startFireInspection(placeId: $placeId, gridLevel: $gridLevel, idempotencyKey: $idempotencyKey) { id state }
  }
`);

export const FireInspectionState = graphql(`
  query FireInspectionState($id: ID!) { fireInspection(id: $id) { id state } }
`);

export const RecordFireChecklist = graphql(`
  mutation RecordFireChecklist($inspectionId: ID!, $items: [FireChecklistItemInput!]!) {
    recordFireChecklist(inspectionId: $inspectionId, items: $items) { id state }
  }
`);

export const FinalizeFireInspection = graphql(`
  mutation FinalizeFireInspection($inspectionId: ID!) {
    finalizeFireInspection(inspectionId: $inspectionId) { id state hazardIds }
  }
`);

export const FIRE_INSPECTION_OPERATION = "fireInspection";

export interface CheckedItem {
  hazardTypeCode: string;
  result: FireCheckResult;
  fixedOnSpot: boolean;
  note: string;
  /** Photos of a hazard found, kept in the queue as they are until the inspection is sent. */
  photos: Blob[];
}

export interface FireInspectionVariables {
  placeId: string;
  gridLevel: FireGridLevel;
  /** The place's grid: where the photos are evidence for. */
  jurisdictionCode: string;
  items: CheckedItem[];
  summary: string;
}

/** The places with an inspection waiting in the queue: inspected already, not to be inspected twice. */
export function placesWaiting(writes: readonly QueuedWrite[]): Set<string> {
  return new Set(writes.filter((w) => w.operation === FIRE_INSPECTION_OPERATION)
    .map((w) => (w.variables as FireInspectionVariables).placeId));
}

export async function sendFireInspection(api: ApiClient, write: QueuedWrite<FireInspectionVariables>): Promise<void> {
  const { placeId, gridLevel, jurisdictionCode, items } = write.variables;
  const started = await api.request(StartFireInspection, { placeId, gridLevel, idempotencyKey: write.key });
  const id = started.startFireInspection?.id;
  if (!id) throw new Error("startFireInspection answered no inspection");
  const now = await api.request(FireInspectionState, { id });
  if (now.fireInspection?.state !== "DRAFT") return; // finalized by an earlier send whose answer was lost
  const checklist = [];
  for (const item of items) {
    const evidence: string[] = [];
    // The same bytes uploaded again are the same record: a replay stores no photo twice.
    for (const photo of item.photos) evidence.push((await api.upload(photo, jurisdictionCode)).id);
    checklist.push({ hazardTypeCode: item.hazardTypeCode, result: item.result, fixedOnSpot: item.fixedOnSpot,
      note: item.note, evidence });
  }
  await api.request(RecordFireChecklist, { inspectionId: id, items: checklist });
  await api.request(FinalizeFireInspection, { inspectionId: id });
}
