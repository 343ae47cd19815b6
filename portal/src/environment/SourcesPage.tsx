// The pollution sources of the viewer's scope ("one map, one table"): type, status, controls and what is missing.
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import type { PollutionSourceStatus, PollutionSourceType } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { EnvironmentNav } from "./EnvironmentNav";

const PAGE_SIZE = 20;
const TYPES: readonly PollutionSourceType[] = ["OPEN_STORAGE_YARD", "CONSTRUCTION_SITE", "BARE_LAND", "RESTAURANT_FUMES",
  "OPEN_AIR_BARBECUE", "COAL_BOILER", "COAL_YARD", "CONCRETE_PLANT", "INDUSTRIAL_KEY_SOURCE"];
const STATUSES: readonly PollutionSourceStatus[] = ["ACTIVE", "RECTIFYING", "CLOSED", "RELOCATED"];

const SourcesQuery = graphql(`
  query PollutionSources($code: String!, $sourceType: PollutionSourceType, $status: PollutionSourceStatus,
      $first: Int!, $after: String) {
    pollutionSources(jurisdictionCode: $code, sourceType: $sourceType, status: $status, first: $first, after: $after) {
      nodes {
        id name sourceType jurisdictionCode address responsibleUnit contactName contactPhone status controlLevel
        dustControls missingChecklistItems locationMismatch locatedGrid
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function SourcesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? "";
  const sourceType = TYPES.find((value) => value === params.get("type")) ?? null;
  const status = STATUSES.find((value) => value === params.get("status")) ?? null;
  const [draft, setDraft] = useState({ code, type: sourceType ?? "", status: status ?? "" });
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(SourcesQuery,
    { code, sourceType, status, first: PAGE_SIZE, after: pages.after });
  const connection = data?.pollutionSources;

  function search(event: FormEvent) {
    event.preventDefault();
    pages.reset();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value.trim()) next.set(name, value.trim());
    setParams(next);
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("nav.environment")}</h1>
      <EnvironmentNav />
      <h2>{t("env.sources")}</h2>
      <form className="panel" onSubmit={search} aria-label={t("env.sources")}>
        <div className="filters">
          <TextField label={t("env.jurisdiction")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} />
          <SelectField label={t("env.sourceType")} name="type" value={draft.type}
            onChange={(value) => setDraft({ ...draft, type: value })}
            choices={[{ value: "", label: t("env.anyStatus") },
              ...TYPES.map((value) => ({ value, label: label(t, "envSourceType", value) }))]} />
          <SelectField label={t("env.status")} name="status" value={draft.status}
            onChange={(value) => setDraft({ ...draft, status: value })}
            choices={[{ value: "", label: t("env.anyStatus") },
              ...STATUSES.map((value) => ({ value, label: label(t, "envSourceStatus", value) }))]} />
        </div>
        <div className="toolbar"><button type="submit">{t("env.show")}</button></div>
      </form>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("env.noSources")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{t("env.sources")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("env.name")}</th><th scope="col">{t("env.sourceType")}</th>
                  <th scope="col">{t("env.grid")}</th><th scope="col">{t("env.address")}</th>
                  <th scope="col">{t("env.responsibleUnit")}</th><th scope="col">{t("env.contact")}</th>
                  <th scope="col">{t("env.status")}</th><th scope="col">{t("env.controlLevel")}</th>
                  <th scope="col">{t("env.dustControls")}</th><th scope="col">{t("env.missingItems")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((source) => (
                  <tr key={source.id} data-testid="source-row" data-jurisdiction={source.jurisdictionCode}>
                    <td>{source.name}</td>
                    <td>{label(t, "envSourceType", source.sourceType)}</td>
                    <td>{source.jurisdictionCode}
                      {source.locationMismatch && source.locatedGrid
                        ? <span className="tag">{t("env.locationMismatch", { grid: source.locatedGrid })}</span> : null}
                    </td>
                    <td>{source.address}</td>
                    <td>{source.responsibleUnit}</td>
                    <td>{source.contactName} {source.contactPhone}</td>
                    <td>{label(t, "envSourceStatus", source.status)}</td>
                    <td>{source.controlLevel ? label(t, "envControl", source.controlLevel) : t("app.none")}</td>
                    <td>{source.dustControls.map((value) => label(t, "envDust", value)).join("、") || t("app.none")}</td>
                    <td>{source.missingChecklistItems.join("、") || t("app.none")}</td>
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
