// A grid head records a patrol of its own grid on the phone: the pollution sources it checked (compliant or not,
// what it found) and what the patrol found, offline or not, kept in the phone's queue and sent once, at the time
// it was recorded. The sources are kept for offline use like today's lists.
import { useState, type FormEvent } from "react";
import { useSession } from "../auth/session";
import { validate, type FormField } from "../cases/actionForms";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { CheckboxField, TextAreaField, TextField } from "../ui/Field";
import { Notice } from "../ui/Notice";
import { useDraft } from "../ui/useDraft";
import { storageKey, useLastKnown, useOnline } from "./lastKnown";
import { newIdempotencyKey } from "./offlineQueue";
import { OutcomeNotice, outcomeOf, QueueStatus, type Outcome } from "./QueueStatus";
import { PATROL_OPERATION } from "./recordPatrol";
import { useFieldQueue } from "./useFieldQueue";

export const PatrolSourcesQuery = graphql(`
  query PatrolSources($scope: String!, $subject: String!) {
    pollutionSources(jurisdictionCode: $scope, first: 200) {
      nodes { id name address sourceType status jurisdictionCode }
    }
    patrols(jurisdictionCode: $scope, patroller: $subject, first: 5) { nodes { id patrolledAt findings checks { sourceId } } }
  }
`);

const FIELDS: readonly FormField[] = [
  { name: "findings", label: "patrol.findings", kind: "textarea", required: true, max: 10000 },
];
const MAX_FINDING = 10000;

interface Check { checked: boolean; compliant: boolean; finding: string }

export default function PatrolPage() {
  const { t, locale } = useI18n();
  const { session, grant } = useSession();
  const online = useOnline();
  const queue = useFieldQueue();
  const scope = grant?.scope ?? "";
  const subject = session?.subject ?? "";
  const known = useLastKnown(storageKey("patrolSources", subject, scope), PatrolSourcesQuery, { scope, subject },
    online,
    scope === "");
  // A closed or relocated source is no longer patrolled.
  const sources = (known.data?.pollutionSources?.nodes ?? []).filter((s) => s.status === "ACTIVE" || s.status === "RECTIFYING");
  const [values, setValues, clearDraft] = useDraft<Record<string, string>>("field:patrol", {});
  const [checks, setChecks] = useState<Record<string, Check>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const checkOf = (id: string): Check => checks[id] ?? { checked: false, compliant: true, finding: "" };
  const edit = (id: string, change: Partial<Check>) => setChecks({ ...checks, [id]: { ...checkOf(id), ...change } });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = Object.fromEntries(Object.entries(validate(FIELDS, values))
      .map(([name, p]) => [name, t(p.key, p.params)]));
    for (const source of sources) {
      if (checkOf(source.id).finding.length > MAX_FINDING) {
        problems[`finding-${source.id}`] = t("field.tooLong", { max: MAX_FINDING });
      }
    }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const checked = sources.filter((s) => checkOf(s.id).checked);
    const key = newIdempotencyKey();
    const result = await queue.submit({
      key, operation: PATROL_OPERATION, createdAt: Date.now(),
      variables: {
        input: {
          patroller: subject, patrolledAt: new Date().toISOString(), findings: (values.findings ?? "").trim(),
          checks: checked.map((s) => ({ sourceId: s.id, compliant: checkOf(s.id).compliant,
            finding: checkOf(s.id).finding.trim() })),
        },
        summary: `${scope} · ${checked.length}`,
      },
    });
    setOutcome(outcomeOf(t, result, key));
    clearDraft();
    setChecks({});
    if (result?.sent.includes(key)) known.refetch();
  }

  if (!grant || grant.role !== "grid_leader") {
    return <section className="field-page"><Notice kind="warning">{t("patrol.notLeader")}</Notice></section>;
  }
  return (
    <section className="field-page">
      <h1>{t("patrol.title")}</h1>
      <QueueStatus queue={queue} />
      <OutcomeNotice outcome={outcome} />
      <form className="panel" onSubmit={(event) => void submit(event)} noValidate>
        <p data-testid="patrol-scope">{t("patrol.scope")}: {scope}</p>
        <fieldset>
          <legend>{t("patrol.sources")}</legend>
          {known.error && sources.length === 0 ? <Notice kind="warning">{t("today.serviceDown")}</Notice> : null}
          {known.data && sources.length === 0 ? <p>{t("patrol.noSources")}</p> : null}
          {sources.map((source) => {
            const check = checkOf(source.id);
            return (
              <div key={source.id} className="panel" data-testid="patrol-source" data-id={source.id}>
                <CheckboxField label={`${t("patrol.checked")}：${source.name}`} name={`checked-${source.id}`}
                  checked={check.checked} onChange={(checked) => edit(source.id, { checked })} />
                <span>{label(t, "envSourceType", source.sourceType)} · {source.address}</span>
                {check.checked ? (
                  <>
                    <CheckboxField label={`${t("patrol.compliant")}（${source.name}）`} name={`compliant-${source.id}`}
                      checked={check.compliant} onChange={(compliant) => edit(source.id, { compliant })} />
                    <TextField label={`${t("patrol.finding")}（${source.name}）`} name={`finding-${source.id}`}
                      value={check.finding} onChange={(finding) => edit(source.id, { finding })}
                      error={errors[`finding-${source.id}`]} />
                  </>
                ) : null}
              </div>
            );
          })}
        </fieldset>
        <TextAreaField label={t("patrol.findings")} name="findings" value={values.findings ?? ""} required
          onChange={(findings) => setValues({ ...values, findings })} error={errors.findings} />
        <p className="today-note">{t("record.offlineNote")}</p>
        <button type="submit" className="button-wide">{t("patrol.submit")}</button>
      </form>
      <section className="panel" aria-labelledby="recent-patrols">
        <h2 id="recent-patrols">{t("patrol.recent")}</h2>
        <ul className="report-list">
          {(known.data?.patrols?.nodes ?? []).map((p) => (
            <li key={p.id} data-testid="recent-patrol">
              <strong>{p.findings.slice(0, 60)}</strong>
              <span>{formatDateTime(p.patrolledAt, locale)} · {t("patrol.sourcesChecked", { count: p.checks.length })}</span>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
