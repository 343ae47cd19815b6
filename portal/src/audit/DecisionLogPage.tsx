// The auditor's decision log: filter, open a decision's full record, verify the hash chain, export JSON lines.
// Auditors read and export; nothing here deletes.
import { useState, type FormEvent } from "react";
import { useApi, useQuery } from "../api/hooks";
import { errorMessage } from "../api/errors";
import { graphql } from "../gql";
import type { AccessDecisionFilter, AccessOutcomeState } from "../gql/graphql";
import { beijingInputToIso, formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Dialog } from "../ui/Dialog";
import { downloadBlob } from "../ui/download";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Notice } from "../ui/Notice";

const PAGE_SIZE = 25;
const OUTCOMES: readonly AccessOutcomeState[] = ["SERVED", "REFUSED_BY_POLICY", "REFUSED_BY_SERVICE",
  "REFUSED_BY_GATEWAY", "UNKNOWN", "UNRECORDED"];

const DecisionsQuery = graphql(`
  query Decisions($filter: AccessDecisionFilter, $first: Int!, $after: String) {
    accessDecisions(filter: $filter, first: $first, after: $after) {
      nodes {
        sequence decisionId timestamp path subject action resourceType jurisdictionCode allow reasons
        input result revision requestedBy reqId previousHash hash
        outcome { state code message }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const VerifyQuery = graphql(`
  query VerifyDecisionLog {
    decisionLogVerification {
      ok checked headSequence headHash brokenSequence brokenDecisionId reason anchorSequence anchorHash anchoredAt
    }
  }
`);

const ExportQuery = graphql(`
  query ExportDecisions($filter: AccessDecisionFilter) {
    accessDecisionExport(filter: $filter) { count jsonLines }
  }
`);

interface Draft {
  subject: string; action: string; resourceType: string; jurisdictionPrefix: string; outcome: string;
  from: string; to: string;
}
const EMPTY: Draft = { subject: "", action: "", resourceType: "", jurisdictionPrefix: "", outcome: "", from: "", to: "" };

export function filterOf(draft: Draft): AccessDecisionFilter | null {
  const filter: AccessDecisionFilter = {};
  if (draft.subject.trim()) filter.subject = draft.subject.trim();
  if (draft.action.trim()) filter.action = draft.action.trim();
  if (draft.resourceType.trim()) filter.resourceType = draft.resourceType.trim();
  if (draft.jurisdictionPrefix.trim()) filter.jurisdictionPrefix = draft.jurisdictionPrefix.trim();
  if ((OUTCOMES as readonly string[]).includes(draft.outcome)) filter.outcome = draft.outcome as AccessOutcomeState;
  if (draft.from) filter.from = beijingInputToIso(draft.from);
  if (draft.to) filter.to = beijingInputToIso(draft.to);
  return Object.keys(filter).length ? filter : null;
}

type Decision = NonNullable<ReturnType<typeof useDecisions>["data"]>["accessDecisions"]["nodes"][number];

function useDecisions(filter: AccessDecisionFilter | null, after: string | null) {
  return useQuery(DecisionsQuery, { filter, first: PAGE_SIZE, after });
}

export default function DecisionLogPage() {
  const { t, locale } = useI18n();
  const api = useApi();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filter, setFilter] = useState<AccessDecisionFilter | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const { data, error, loading, refetch } = useDecisions(filter, cursors[cursors.length - 1] ?? null);
  const [shown, setShown] = useState<Decision | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verdict, setVerdict] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [exported, setExported] = useState("");

  const set = (name: keyof Draft) => (value: string) => setDraft({ ...draft, [name]: value });
  function search(event: FormEvent) {
    event.preventDefault();
    setCursors([null]);
    setFilter(filterOf(draft));
  }
  async function verify() {
    setVerifying(true);
    setVerdict(null);
    try {
      const v = (await api.request(VerifyQuery, {})).decisionLogVerification;
      const text = v.ok
        ? [t("audit.chainOk", { checked: v.checked, head: v.headSequence }),
          v.anchorSequence !== null && v.anchorSequence !== undefined
            ? t("audit.chainAnchored", { sequence: v.anchorSequence }) : ""].join(" ")
        : t("audit.chainBroken", { sequence: v.brokenSequence ?? "?", reason: v.reason ?? "" });
      setVerdict({ kind: v.ok ? "success" : "error", text });
    } catch (failure) {
      setVerdict({ kind: "error", text: errorMessage(failure, t) });
    } finally {
      setVerifying(false);
    }
  }
  async function exportLines() {
    const answer = (await api.request(ExportQuery, { filter })).accessDecisionExport;
    downloadBlob(new Blob([answer.jsonLines], { type: "application/x-ndjson" }), "decisions.jsonl");
    setExported(t("audit.exported", { count: answer.count }));
  }

  const connection = data?.accessDecisions;
  return (
    <section aria-busy={loading}>
      <h1>{t("audit.title")}</h1>
      <div className="toolbar">
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? t("audit.verifying") : t("audit.verify")}
        </button>
        <button type="button" className="button-secondary" onClick={() => void exportLines()}>{t("audit.export")}</button>
      </div>
      {verdict ? <div data-testid="chain-verdict"><Notice kind={verdict.kind}>{verdict.text}</Notice></div> : null}
      {exported ? <Notice kind="info">{exported}</Notice> : null}
      <form className="panel" onSubmit={search} aria-label={t("cases.filters")}>
        <div className="filters">
          <TextField label={t("audit.subject")} name="subject" value={draft.subject} onChange={set("subject")} />
          <TextField label={t("audit.action")} name="action" value={draft.action} onChange={set("action")} />
          <TextField label={t("audit.resourceType")} name="resourceType" value={draft.resourceType}
            onChange={set("resourceType")} />
          <TextField label={t("audit.jurisdiction")} name="jurisdictionPrefix" value={draft.jurisdictionPrefix}
            onChange={set("jurisdictionPrefix")} inputMode="numeric" />
          <SelectField label={t("audit.outcome")} name="outcome" value={draft.outcome} onChange={set("outcome")}
            choices={[{ value: "", label: t("audit.anyOutcome") },
              ...OUTCOMES.map((value) => ({ value, label: label(t, "outcome", value) }))]} />
          <TextField label={t("audit.from")} name="from" type="datetime-local" value={draft.from} onChange={set("from")} />
          <TextField label={t("audit.to")} name="to" type="datetime-local" value={draft.to} onChange={set("to")} />
        </div>
        <div className="toolbar">
          <button type="submit">{t("cases.search")}</button>
          <button type="button" className="button-secondary"
            onClick={() => { setDraft(EMPTY); setFilter(null); setCursors([null]); }}>{t("cases.reset")}</button>
        </div>
      </form>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (connection.nodes.length === 0 ? <p>{t("audit.empty")}</p> : (
        <>
          <table>
            <caption className="visually-hidden">{t("audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("audit.sequence")}</th><th scope="col">{t("audit.time")}</th>
                <th scope="col">{t("audit.subject")}</th><th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.resourceType")}</th><th scope="col">{t("audit.outcome")}</th>
                <th scope="col"><span className="visually-hidden">{t("audit.record")}</span></th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((d) => (
                <tr key={d.decisionId} data-testid="decision-row">
                  <td>{d.sequence}</td>
                  <td>{formatDateTime(d.timestamp, locale)}</td>
                  <td>{d.subject}</td>
                  <td>{d.action}</td>
                  <td>{d.resourceType} {d.jurisdictionCode}</td>
                  <td>{d.allow ? t("audit.allowed") : t("audit.denied")} · {label(t, "outcome", d.outcome.state)}</td>
                  <td><button type="button" className="button-secondary" onClick={() => setShown(d)}
                    aria-label={`${t("audit.show")} ${d.sequence}`}>{t("audit.show")}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="toolbar" aria-label={t("cases.page", { page: cursors.length })}>
            <button type="button" className="button-secondary" disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}>{t("cases.previous")}</button>
            <span>{t("cases.page", { page: cursors.length })}</span>
            <button type="button" className="button-secondary" disabled={!connection.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}>{t("cases.next")}</button>
          </nav>
        </>
      )) : null}
      {shown ? (
        <Dialog title={`${t("audit.record")} #${shown.sequence}`} onClose={() => setShown(null)}>
          <pre className="record" data-testid="decision-record" tabIndex={0} role="region"
            aria-label={t("audit.record")}>{JSON.stringify(shown, null, 2)}</pre>
          <div className="dialog-buttons">
            <button type="button" onClick={() => setShown(null)}>{t("app.close")}</button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
