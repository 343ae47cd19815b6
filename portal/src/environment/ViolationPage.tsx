// One violation: what was found, its deadline and case as the API gives them, and the actions it offers the viewer.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useApi, useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Countdown } from "../ui/Countdown";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Evidence } from "../cases/Evidence";
import { FormDialog } from "../ui/FormDialog";
import { Notice } from "../ui/Notice";
import { EnvironmentNav } from "./EnvironmentNav";
import { offeredViolationActions, VIOLATION_FORMS, VIOLATION_MUTATIONS } from "./violationActions";
import { ViolationCase } from "./ViolationsPage";
import { useViolationTypeName } from "./violationTypes";

const ViolationQuery = graphql(`
  query PollutionViolationPage($id: ID!) {
    pollutionViolation(id: $id) {
      id sourceId violationType checklistItem jurisdictionCode description evidence reporter state urgent
      foundAt deadline workingDaysLeft closedAt closedOnTime resolution caseNumber
      case { id number state }
      viewerActions
    }
  }
`);

export default function ViolationPage() {
  const { id = "" } = useParams();
  const { t, locale } = useI18n();
  const api = useApi();
  const typeName = useViolationTypeName();
  const { data, error, loading, refetch } = useQuery(ViolationQuery, { id });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState("");
  const violation = data?.pollutionViolation;
  if (error) return <ErrorPanel error={error} retry={refetch} />;
  if (!violation) {
    return loading ? <p className="loading" role="status">{t("app.loading")}</p> : <p>{t("env.violationNotFound")}</p>;
  }
  const actions = offeredViolationActions(violation.viewerActions);
  const time = (iso: string | null | undefined) => formatDateTime(iso, locale) || t("app.none");
  return (
    <article aria-busy={loading}>
      <EnvironmentNav />
      <h1>
        {t("env.violationTitle", { type: typeName(violation.violationType) })}{" "}
        <span className="tag" data-testid="violation-state">{label(t, "envViolationState", violation.state)}</span>
        {violation.urgent ? <span className="tag">{t("env.urgent")}</span> : null}
      </h1>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <section className="panel" aria-labelledby="violation-actions">
        <h2 id="violation-actions">{t("env.actions")}</h2>
        {actions.length === 0 ? <p>{t("env.noActions")}</p> : (
          <div className="actions">
            {actions.map((action) => (
              <button key={action} type="button" data-action={action} onClick={() => { setDone(""); setOpen(action); }}>
                {label(t, "action", action)}
              </button>
            ))}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="violation-details">
        <h2 id="violation-details">{t("env.details")}</h2>
        <dl className="details">
          <dt>{t("env.grid")}</dt><dd>{violation.jurisdictionCode}</dd>
          <dt>{t("env.description")}</dt><dd>{violation.description}</dd>
          <dt>{t("env.reporter")}</dt><dd>{violation.reporter}</dd>
          <dt>{t("env.foundAt")}</dt><dd>{time(violation.foundAt)}</dd>
          <dt>{t("env.deadline")}</dt><dd>{time(violation.deadline)}
            {violation.closedAt ? null : <Countdown days={violation.workingDaysLeft} />}</dd>
          <dt>{t("env.case")}</dt><dd><ViolationCase violation={violation} /></dd>
          <dt>{t("env.evidence")}</dt><dd data-testid="evidence"><Evidence references={violation.evidence} /></dd>
          {violation.closedAt ? <><dt>{t("env.closedAt")}</dt><dd>{time(violation.closedAt)}
            {" · "}{t("env.closedOnTime")}: {violation.closedOnTime ? t("env.yes") : t("env.no")}</dd></> : null}
          {violation.resolution ? <><dt>{t("env.resolution")}</dt><dd>{violation.resolution}</dd></> : null}
        </dl>
        <p>{t("env.deadlineNote")}</p>
      </section>
      {open ? (
        <FormDialog title={label(t, "action", open)} fields={VIOLATION_FORMS[open] ?? []}
          jurisdiction={violation.jurisdictionCode}
          run={(values) => VIOLATION_MUTATIONS[open]?.(api, violation.id, values) ?? Promise.resolve()}
          onClose={() => setOpen(null)} onDone={() => {
            setDone(t("env.doneAction", { action: label(t, "action", open) }));
            setOpen(null);
            refetch();
          }} />
      ) : null}
    </article>
  );
}
