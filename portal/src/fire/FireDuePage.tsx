// The places a street's, community's or grid's level must inspect by today (or has let pass), by grid level.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import type { FireDueStatus } from "../gql/graphql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { FireNav } from "./FireNav";
import { gridLevelOf, isJurisdictionCode } from "./gridLevel";

const PAGE_SIZE = 20;
const STATUSES: readonly FireDueStatus[] = ["DUE", "OVERDUE"];

const FireDueQuery = graphql(`
  query FireDue($code: String!, $status: FireDueStatus!, $first: Int!, $after: String) {
    fireDueInspections(jurisdictionCode: $code, status: $status, first: $first, after: $after) {
      nodes { id name address type riskLevel inspectedBy jurisdictionCode nextDueOn lastInspectedAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function FireDuePage() {
  const { t, locale } = useI18n();
  const { grant } = useSession();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? grant?.scope ?? "";
  const status: FireDueStatus = params.get("status") === "OVERDUE" ? "OVERDUE" : "DUE";
  const [draft, setDraft] = useState({ code, status: status as string });
  const [codeError, setCodeError] = useState("");
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(FireDueQuery,
    { code, status, first: PAGE_SIZE, after: pages.after }, !isJurisdictionCode(code));
  const connection = data?.fireDueInspections;
  const level = gridLevelOf(code);

  function show(event: FormEvent) {
    event.preventDefault();
    const wanted = draft.code.trim();
    if (!isJurisdictionCode(wanted)) {
      setCodeError(t("fire.jurisdiction"));
      return;
    }
    setCodeError("");
    pages.reset();
    setParams({ code: wanted, status: draft.status });
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("nav.fire")}</h1>
      <FireNav />
      <h2>{t("fire.due")}</h2>
      <form className="panel" onSubmit={show} aria-label={t("fire.due")} noValidate>
        <div className="filters">
          <TextField label={t("fire.jurisdiction")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} error={codeError} />
          <SelectField label={t("fire.dueStatus")} name="status" value={draft.status}
            onChange={(value) => setDraft({ ...draft, status: value })}
            choices={STATUSES.map((value) => ({ value, label: label(t, "fireDueStatus", value) }))} />
        </div>
        <div className="toolbar"><button type="submit">{t("fire.show")}</button></div>
      </form>
      <p data-testid="grid-level">
        {level ? t("fire.levelOf", { code, level: label(t, "fireGridLevel", level) }) : t("fire.levelDistrict")}
      </p>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("fire.noPlaces")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{t("fire.due")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("fire.place")}</th><th scope="col">{t("fire.address")}</th>
                  <th scope="col">{t("fire.type")}</th><th scope="col">{t("fire.risk")}</th>
                  <th scope="col">{t("fire.inspectedBy")}</th><th scope="col">{t("fire.grid")}</th>
                  <th scope="col">{t("fire.nextDueOn")}</th><th scope="col">{t("fire.lastInspectedAt")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((place) => (
                  <tr key={place.id} data-testid="place-row" data-jurisdiction={place.jurisdictionCode}>
                    <td><Link to={`/fire/places/${place.id}`}>{place.name}</Link></td>
                    <td>{place.address}</td>
                    <td>{label(t, "firePlaceType", place.type)}</td>
                    <td>{label(t, "fireRisk", place.riskLevel)}</td>
                    <td>{label(t, "fireGridLevel", place.inspectedBy)}</td>
                    <td>{place.jurisdictionCode}</td>
                    <td>{place.nextDueOn}</td>
                    <td>{formatDateTime(place.lastInspectedAt, locale) || t("app.none")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pages={pages} count={connection.nodes.length} pageInfo={connection.pageInfo} />
          </>
        )
      ) : null}
    </section>
  );
}
