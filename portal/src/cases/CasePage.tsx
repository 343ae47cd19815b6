// One case: its details, its history as a timeline, and exactly the actions the API offers this viewer.
import { useState } from "react";
import { useParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { DueLight } from "../ui/DueLight";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Notice } from "../ui/Notice";
import { ActionDialog } from "./ActionDialog";
import { Evidence } from "./Evidence";
import { offeredActions } from "./actionForms";

const CaseQuery = graphql(`
  query CasePage($id: ID!) {
    case(id: $id) {
      id number categoryCode description jurisdictionCode address reporter urgent handlingUnit supervised
      resolution state tier source dueStatus pendingRequest reportedAt acceptBy deadline closedAt
      evidenceBefore evidenceAfter
      location { latitude longitude }
      participants { unit lead acceptedAt handledAt }
      history { id action actor comment unit at fromState toState }
      viewerActions
    }
  }
`);

export default function CasePage() {
  const { id = "" } = useParams();
  const { t, locale } = useI18n();
  const { data, error, loading, refetch } = useQuery(CaseQuery, { id });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState("");
  const found = data?.case;
  if (error) return <ErrorPanel error={error} retry={refetch} />;
  if (!found) return loading ? <p className="loading" role="status">{t("app.loading")}</p> : <p>{t("case.notFound")}</p>;
  const actions = offeredActions(found.viewerActions);
  return (
    <article aria-busy={loading}>
      <h1>
        {t("case.title", { number: found.number })}{" "}
        <span className="tag" data-testid="case-state">{label(t, "caseState", found.state)}</span>
        {found.urgent ? <span className="tag">{t("case.urgent")}</span> : null}
        {found.supervised ? <span className="tag">{t("dashboard.supervised")}</span> : null}
      </h1>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <section className="panel" aria-labelledby="case-actions">
        <h2 id="case-actions">{t("case.actions")}</h2>
        {actions.length === 0 ? <p>{t("case.noActions")}</p> : (
          <div className="actions">
            {actions.map((action) => (
              <button key={action} type="button" data-action={action} onClick={() => { setDone(""); setOpen(action); }}>
                {label(t, "action", action)}
              </button>
            ))}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="case-details">
        <h2 id="case-details">{t("case.details")}</h2>
        <dl className="details">
          <dt>{t("cases.description")}</dt><dd>{found.description}</dd>
          <dt>{t("cases.category")}</dt><dd>{found.categoryCode}</dd>
          <dt>{t("cases.source")}</dt><dd>{label(t, "source", found.source)}</dd>
          <dt>{t("cases.tier")}</dt><dd>{label(t, "tier", found.tier)}</dd>
          <dt>{t("case.jurisdiction")}</dt><dd>{found.jurisdictionCode}</dd>
          <dt>{t("case.address")}</dt><dd>{found.address}</dd>
          <dt>{t("case.reporter")}</dt><dd>{found.reporter}</dd>
          <dt>{t("case.handlingUnit")}</dt><dd>{found.handlingUnit || t("app.none")}</dd>
          <dt>{t("cases.reportedAt")}</dt><dd>{formatDateTime(found.reportedAt, locale)}</dd>
          <dt>{t("evidence.before")}</dt><dd><Evidence references={found.evidenceBefore} /></dd>
          {found.evidenceAfter.length ? (
            <><dt>{t("evidence.after")}</dt><dd><Evidence references={found.evidenceAfter} /></dd></>
          ) : null}
          <dt>{t("case.acceptBy")}</dt><dd>{formatDateTime(found.acceptBy, locale) || t("app.none")}</dd>
          <dt>{t("cases.deadline")}</dt>
          <dd>{formatDateTime(found.deadline, locale) || t("app.none")} <DueLight status={found.dueStatus} /></dd>
          {found.pendingRequest ? (<>
            <dt>{t("case.pendingRequest")}</dt><dd>{label(t, "request", found.pendingRequest)}</dd>
          </>) : null}
          {found.location ? (<>
            <dt>{t("case.location")}</dt>
            <dd>{t("report.located", { latitude: found.location.latitude.toFixed(5),
              longitude: found.location.longitude.toFixed(5) })}</dd>
          </>) : null}
          {found.resolution ? (<><dt>{t("case.resolution")}</dt><dd>{found.resolution}</dd></>) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="case-history">
        <h2 id="case-history">{t("case.history")}</h2>
        <ol className="timeline" data-testid="history">
          {found.history.map((entry) => (
            <li key={entry.id}>
              <strong>{label(t, "caseState", entry.toState)}</strong>
              <div className="timeline-meta">
                {formatDateTime(entry.at, locale)} · {t("case.actor")}: {entry.actor}
                {entry.unit ? ` · ${entry.unit}` : ""}
              </div>
              {entry.comment ? <div>{t("case.comment")}: {entry.comment}</div> : null}
            </li>
          ))}
        </ol>
      </section>
      {open ? (
        <ActionDialog action={open} caseId={found.id} jurisdiction={found.jurisdictionCode} onClose={() => setOpen(null)} onDone={() => {
          setDone(t("case.done", { action: label(t, "action", open) }));
          setOpen(null);
          refetch();
        }} />
      ) : null}
    </article>
  );
}
