// The hazard mutations a hazard page may offer (FireHazard.viewerActions names them): each one's form and call.
import type { ApiClient } from "../api/client";
import { lines, type FormField, type FormValues } from "../cases/actionForms";
import { graphql } from "../gql";
import { beijingInputToIso } from "../i18n/format";

const note: FormField = { name: "note", label: "field.note", kind: "textarea", max: 2000 };

export const HAZARD_FORMS: Readonly<Record<string, readonly FormField[]>> = {
  orderFireRectification: [{ name: "rectifyBy", label: "field.rectifyBy", kind: "datetime" }, note],
  claimFireHazardFix: [note, { name: "evidence", label: "field.evidence", kind: "files" }],
  verifyFireHazardFix: [note],
  reopenFireHazard: [{ name: "reason", label: "field.reason", kind: "textarea", required: true, max: 2000 }],
};

/** Exactly the actions the API offers that the page has a form for, once each, in the API's order. */
export function offeredHazardActions(viewerActions: readonly string[]): string[] {
  return [...new Set(viewerActions)].filter((action) => action in HAZARD_FORMS);
}

const Order = graphql(`mutation OrderFireRectification($input: OrderFireRectificationInput!) {
  orderFireRectification(input: $input) { id state rectifyBy } }`);
const Claim = graphql(`mutation ClaimFireHazardFix($input: ClaimFireHazardFixInput!) {
  claimFireHazardFix(input: $input) { id state } }`);
const Verify = graphql(`mutation VerifyFireHazardFix($id: ID!, $note: String!) {
  verifyFireHazardFix(id: $id, note: $note) { id state } }`);
const Reopen = graphql(`mutation ReopenFireHazard($id: ID!, $reason: String!) {
  reopenFireHazard(id: $id, reason: $reason) { id state } }`);

type Run = (api: ApiClient, id: string, v: FormValues) => Promise<unknown>;
const text = (v: FormValues, name: string) => (v[name] ?? "").trim();

/** The variables each action sends: an empty deadline is left to the catalogue, a Beijing time sent as an instant. */
export function orderVariables(id: string, v: FormValues) {
  const rectifyBy = text(v, "rectifyBy");
  return { input: { id, rectifyBy: rectifyBy ? beijingInputToIso(rectifyBy) : null, note: text(v, "note") } };
}

export function claimVariables(id: string, v: FormValues) {
  const evidence = lines(text(v, "evidence"));
  return { input: { id, note: text(v, "note"), evidence: evidence.length ? evidence : null } };
}

export const HAZARD_MUTATIONS: Readonly<Record<string, Run>> = {
  orderFireRectification: (api, id, v) => api.request(Order, orderVariables(id, v)),
  claimFireHazardFix: (api, id, v) => api.request(Claim, claimVariables(id, v)),
  verifyFireHazardFix: (api, id, v) => api.request(Verify, { id, note: text(v, "note") }),
  reopenFireHazard: (api, id, v) => api.request(Reopen, { id, reason: text(v, "reason") }),
};
