// The violation mutations a violation page may offer (PollutionViolation.viewerActions names them): form and call.
import type { ApiClient } from "../api/client";
import { lines, type FormField, type FormValues } from "../cases/actionForms";
import { graphql } from "../gql";

export const VIOLATION_FORMS: Readonly<Record<string, readonly FormField[]>> = {
  addPollutionViolationEvidence: [
    { name: "evidence", label: "field.evidenceRequired", kind: "files", required: true },
  ],
};

/** Exactly the actions the API offers that the page has a form for, once each, in the API's order. */
export function offeredViolationActions(viewerActions: readonly string[]): string[] {
  return [...new Set(viewerActions)].filter((action) => action in VIOLATION_FORMS);
}

const AddEvidence = graphql(`mutation AddPollutionViolationEvidence($id: ID!, $evidence: [String!]!) {
  addPollutionViolationEvidence(id: $id, evidence: $evidence) { id evidence } }`);

type Run = (api: ApiClient, id: string, v: FormValues) => Promise<unknown>;

export const VIOLATION_MUTATIONS: Readonly<Record<string, Run>> = {
  addPollutionViolationEvidence: (api, id, v) => api.request(AddEvidence, { id, evidence: lines(v.evidence ?? "") }),
};
