// One hazard: its details and deadline as the API gives them, its history, its case, and the actions the API offers.
import { Evidence } from "../cases/Evidence";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useApi, useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Countdown } from "../ui/Countdown";
import { ErrorPanel } from "../ui/ErrorPanel";
import { FormDialog } from "../ui/FormDialog";
import { Notice } from "../ui/Notice";
import { FireNav } from "./FireNav";
import { HazardCase } from "./FireHazardListPage";
import { HAZARD_FORMS, HAZARD_MUTATIONS, offeredHazardActions } from "./hazardActions";
import { useHazardTypeName } from "./hazardTypes";

const FireHazardQuery = graphql(`
  query FireHazardPage($id: ID!) {
    fireHazard(id: $id) {
      id placeId placeName address jurisdictionCode hazardTypeCode severity reportImmediately evidence note foundBy
      state closure foundAt rectifyBy rectifyWorkingDaysLeft rectifiedAt overdueAt handedOverAt closedAt caseNumber
      case { id number state }
      history { action actor note fromState toState at }
      viewerActions
    }
  }
`);

export default function FireHazardPage() {
  const { id = "" } = useParams();
  const { t, locale } = useI18n();
  const api = useApi();
  const typeName = useHazardTypeName();
  const { data, error, loading, refetch } = useQuery(FireHazardQuery, { id });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState("");
  const hazard = data?.fireHazard;
  if (error) return <ErrorPanel error={error} retry={refetch} />;
  if (!hazard) return loading ? <p className="loading" role="status">{t("app.loading")}</p> : <p>{t("fire.hazardNotFound")}</p>;
  const actions = offeredHazardActions(hazard.viewerActions);
  const time = (iso: string | null | undefined) => formatDateTime(iso, locale) || t("app.none");
  return (
    <article aria-busy={loading}>
      <FireNav />
      <h1>
        {t("fire.hazardTitle", { type: typeName(hazard.hazardTypeCode) })}{" "}
        <span className="tag" data-testid="hazard-state">{label(t, "fireHazardState", hazard.state)}</span>
      </h1>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <section className="panel" aria-labelledby="hazard-actions">
        <h2 id="hazard-actions">{t("fire.actions")}</h2>
        {actions.length === 0 ? <p>{t("fire.noActions")}</p> : (
          <div className="actions">
            {actions.map((action) => (
              <button key={action} type="button" data-action={action} onClick={() => { setDone(""); setOpen(action); }}>
                {label(t, "action", action)}
              </button>
            ))}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="hazard-details">
        <h2 id="hazard-details">{t("fire.details")}</h2>
        <dl className="details">
          <dt>{t("fire.place")}</dt><dd><Link to={`/fire/places/${hazard.placeId}`}>{hazard.placeName}</Link></dd>
          <dt>{t("fire.address")}</dt><dd>{hazard.address}</dd>
          <dt>{t("fire.grid")}</dt><dd>{hazard.jurisdictionCode}</dd>
          <dt>{t("fire.severity")}</dt><dd>{label(t, "fireSeverity", hazard.severity)}
            {hazard.reportImmediately ? <span className="tag">{t("fire.reportImmediately")}</span> : null}</dd>
          <dt>{t("fire.foundBy")}</dt><dd>{hazard.foundBy}</dd>
          <dt>{t("fire.foundAt")}</dt><dd>{time(hazard.foundAt)}</dd>
          <dt>{t("fire.rectifyBy")}</dt><dd data-testid="rectify-by">{time(hazard.rectifyBy)}
            {hazard.state === "RECTIFYING" || hazard.state === "OVERDUE"
              ? <Countdown days={hazard.rectifyWorkingDaysLeft} /> : null}</dd>
          {hazard.rectifiedAt ? <><dt>{t("fire.rectifiedAt")}</dt><dd>{time(hazard.rectifiedAt)}</dd></> : null}
          {hazard.overdueAt ? <><dt>{t("fire.overdueAt")}</dt><dd>{time(hazard.overdueAt)}</dd></> : null}
          {hazard.handedOverAt ? <><dt>{t("fire.handedOverAt")}</dt><dd>{time(hazard.handedOverAt)}</dd></> : null}
          {hazard.closedAt ? <><dt>{t("fire.closedAt")}</dt><dd>{time(hazard.closedAt)}
            {hazard.closure ? ` · ${label(t, "fireClosure", hazard.closure)}` : ""}</dd></> : null}
          <dt>{t("fire.case")}</dt><dd><HazardCase hazard={hazard} /></dd>
          {hazard.note ? <><dt>{t("fire.note")}</dt><dd>{hazard.note}</dd></> : null}
          {hazard.evidence.length ? <><dt>{t("fire.evidence")}</dt><dd><Evidence references={hazard.evidence} /></dd></>
            : null}
        </dl>
        <p>{t("fire.rectifyNote")}</p>
      </section>
      <section className="panel" aria-labelledby="hazard-history">
        <h2 id="hazard-history">{t("fire.history")}</h2>
        <ol className="timeline" data-testid="history">
          {hazard.history.map((entry, index) => (
            <li key={`${entry.at ?? ""}-${index}`}>
              <strong>{label(t, "fireHazardState", entry.toState)}</strong>
              <div className="timeline-meta">{formatDateTime(entry.at, locale)} · {t("case.actor")}: {entry.actor}</div>
              {entry.note ? <div>{t("fire.note")}: {entry.note}</div> : null}
            </li>
          ))}
        </ol>
      </section>
      {open ? (
        <FormDialog title={label(t, "action", open)} fields={HAZARD_FORMS[open] ?? []}
          jurisdiction={hazard.jurisdictionCode}
          run={(values) => HAZARD_MUTATIONS[open]?.(api, hazard.id, values) ?? Promise.resolve()}
          onClose={() => setOpen(null)} onDone={() => {
            setDone(t("fire.done", { action: label(t, "action", open) }));
            setOpen(null);
            refetch();
          }} />
      ) : null}
    </article>
  );
}
