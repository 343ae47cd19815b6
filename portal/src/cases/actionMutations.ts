// The mutation each case action sends, typed from the schema, with the form's values turned into its arguments.
import type { ApiClient } from "../api/client";
import { graphql } from "../gql";
import type { CaseSatisfaction } from "../gql/graphql";
import { lines, list, type FormValues } from "./actionForms";

const Register = graphql(`mutation RegisterCase($id: ID!, $comment: String!) { registerCase(id: $id, comment: $comment) { id state } }`);
const Reject = graphql(`mutation RejectCase($id: ID!, $reason: String!) { rejectCase(id: $id, reason: $reason) { id state } }`);
const Void = graphql(`mutation VoidCase($id: ID!, $reason: String!) { voidCase(id: $id, reason: $reason) { id state } }`);
const Merge = graphql(`mutation MergeCase($input: MergeCaseInput!) { mergeCase(input: $input) { id state } }`);
const Dispatch = graphql(`mutation DispatchCase($input: DispatchCaseInput!) { dispatchCase(input: $input) { id state } }`);
const Accept = graphql(`mutation AcceptCase($id: ID!, $comment: String!) { acceptCase(id: $id, comment: $comment) { id state } }`);
const Return = graphql(`mutation ReturnCase($id: ID!, $reason: String!) { returnCase(id: $id, reason: $reason) { id state } }`);
const Handle = graphql(`mutation HandleCase($input: HandleCaseInput!) { handleCase(input: $input) { id state } }`);
const Verify = graphql(`mutation VerifyCase($input: VerifyCaseInput!) { verifyCase(input: $input) { id state } }`);
const Callback = graphql(`mutation CallbackCase($input: CallbackCaseInput!) { callbackCase(input: $input) { case { id state } } }`);
const Archive = graphql(`mutation ArchiveCase($id: ID!, $comment: String!) { archiveCase(id: $id, comment: $comment) { id state } }`);
const RequestExtension = graphql(`mutation RequestCaseExtension($input: RequestCaseExtensionInput!) {
  requestCaseExtension(input: $input) { id state } }`);
const DecideExtension = graphql(`mutation DecideCaseExtension($input: DecideCaseExtensionInput!) {
  decideCaseExtension(input: $input) { id state } }`);
const RequestHold = graphql(`mutation RequestCaseHold($id: ID!, $reason: String!) { requestCaseHold(id: $id, reason: $reason) { id state } }`);
const DecideHold = graphql(`mutation DecideCaseHold($input: DecideCaseHoldInput!) { decideCaseHold(input: $input) { id state } }`);
const Resume = graphql(`mutation ResumeCase($id: ID!, $comment: String!) { resumeCase(id: $id, comment: $comment) { id state } }`);
const Escalate = graphql(`mutation EscalateCase($id: ID!, $reason: String!) { escalateCase(id: $id, reason: $reason) { id state } }`);
const LinkEmergency = graphql(`mutation LinkCaseEmergency($id: ID!, $comment: String!) {
  linkCaseEmergency(id: $id, comment: $comment) { id state } }`);
const Supervise = graphql(`mutation SuperviseCase($id: ID!, $reason: String!) { superviseCase(id: $id, reason: $reason) { id state } }`);
const Rate = graphql(`mutation RateCaseHandling($input: RateCaseHandlingInput!) { rateCaseHandling(input: $input) { id state } }`);

type Run = (api: ApiClient, id: string, v: FormValues) => Promise<unknown>;
const text = (v: FormValues, name: string) => (v[name] ?? "").trim();
const yes = (v: FormValues, name: string) => v[name] === "yes";
const evidenceOf = (v: FormValues) => (text(v, "evidence") ? lines(text(v, "evidence")) : null);

export const ACTION_MUTATIONS: Readonly<Record<string, Run>> = {
  registerCase: (api, id, v) => api.request(Register, { id, comment: text(v, "comment") }),
  rejectCase: (api, id, v) => api.request(Reject, { id, reason: text(v, "reason") }),
  voidCase: (api, id, v) => api.request(Void, { id, reason: text(v, "reason") }),
  mergeCase: (api, id, v) => api.request(Merge, { input: { id, originalId: text(v, "originalId"),
    comment: text(v, "comment") } }),
  dispatchCase: (api, id, v) => api.request(Dispatch, { input: { id, unit: text(v, "unit"),
    coUnits: text(v, "coUnits") ? list(text(v, "coUnits")) : null, comment: text(v, "comment") } }),
  acceptCase: (api, id, v) => api.request(Accept, { id, comment: text(v, "comment") }),
  returnCase: (api, id, v) => api.request(Return, { id, reason: text(v, "reason") }),
  handleCase: (api, id, v) => api.request(Handle, { input: { id, resolution: text(v, "resolution"),
    evidence: evidenceOf(v) } }),
  verifyCase: (api, id, v) => api.request(Verify, { input: { id, passed: yes(v, "passed"), comment: text(v, "comment"),
    evidence: evidenceOf(v) } }),
  callbackCase: (api, id, v) => api.request(Callback, { input: { id,
    satisfaction: text(v, "satisfaction") as CaseSatisfaction, comment: text(v, "comment") } }),
  archiveCase: (api, id, v) => api.request(Archive, { id, comment: text(v, "comment") }),
  requestCaseExtension: (api, id, v) => api.request(RequestExtension, { input: { id, amount: Number(text(v, "amount")),
    reason: text(v, "reason") } }),
  decideCaseExtension: (api, id, v) => api.request(DecideExtension, { input: { id, approve: yes(v, "approve"),
    comment: text(v, "comment") } }),
  requestCaseHold: (api, id, v) => api.request(RequestHold, { id, reason: text(v, "reason") }),
  decideCaseHold: (api, id, v) => api.request(DecideHold, { input: { id, approve: yes(v, "approve"),
    comment: text(v, "comment") } }),
  resumeCase: (api, id, v) => api.request(Resume, { id, comment: text(v, "comment") }),
  escalateCase: (api, id, v) => api.request(Escalate, { id, reason: text(v, "reason") }),
  linkCaseEmergency: (api, id, v) => api.request(LinkEmergency, { id, comment: text(v, "comment") }),
  superviseCase: (api, id, v) => api.request(Supervise, { id, reason: text(v, "reason") }),
  rateCaseHandling: (api, id, v) => api.request(Rate, { input: { id, score: Number(text(v, "score")),
    comment: text(v, "comment") } }),
};
