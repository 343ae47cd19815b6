// The grid worker's report as the API takes it, sent with the idempotency key it was queued under.
import type { ApiClient } from "../api/client";
import { graphql } from "../gql";
import type { CaseReportInput } from "../gql/graphql";
import type { QueuedWrite } from "./offlineQueue";

export const ReportCase = graphql(`
  mutation ReportCase($input: CaseReportInput!, $idempotencyKey: String) {
    reportCase(input: $input, idempotencyKey: $idempotencyKey) { id number state }
  }
`);

export const REPORT_OPERATION = "reportCase";

export interface ReportVariables {
  input: CaseReportInput;
  /** Photos taken for the report, kept in the queue as they are until the report is sent. */
  photos?: Blob[];
  /** Where the photos are evidence for (the worker's grid). */
  photoScope?: string;
}

/** Uploads the report's photos (each resend of the same bytes is the same record), then reports the case with them
 * as its evidence, under the idempotency key it was queued with. */
export async function sendReport(api: ApiClient, write: QueuedWrite<ReportVariables>): Promise<string> {
  const { input, photos = [], photoScope = "" } = write.variables;
  const evidence = [...(input.evidence ?? [])];
  for (const photo of photos) evidence.push((await api.upload(photo, photoScope || input.jurisdictionCode || "")).id);
  const answer = await api.request(ReportCase, { input: { ...input, evidence }, idempotencyKey: write.key });
  return answer.reportCase?.number ?? "";
}
