// Hazards in the viewer's scope with their rectification deadline as the API gives it; the hand-overs, with their cases.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import type { FireHazardState } from "../gql/graphql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Countdown } from "../ui/Countdown";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { FireNav } from "./FireNav";
import { useHazardTypeName } from "./hazardTypes";

const PAGE_SIZE = 20;
export const HAZARD_STATES: readonly FireHazardState[] = ["OPEN", "RECTIFYING", "RECTIFIED", "OVERDUE", "HANDED_OVER",
  "CLOSED"];

const FireHazardsQuery = graphql(`
  query FireHazards($code: String!, $states: [FireHazardState!], $first: Int!, $after: String) {
    fireHazards(jurisdictionCode: $code, states: $states, first: $first, after: $after) {
      nodes {
        id placeId placeName hazardTypeCode jurisdictionCode state severity foundAt rectifyBy rectifyWorkingDaysLeft handedOverAt caseNumber
        case { id number state dueStatus }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

/** The hazard list; ``handovers`` shows only those handed over to the police station, with their cases. */
export default function FireHazardListPage({ handovers = false }: { handovers?: boolean }) {
  const { t, locale } = useI18n();
  const typeName = useHazardTypeName();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? "";
  const stateParam = params.get("state") ?? "";
  const state = HAZARD_STATES.find((s) => s === stateParam);
  const [draft, setDraft] = useState({ code, state: state ?? "" });
  const pages = useCursorPages();
  const states = handovers ? ["HANDED_OVER" as const] : state ? [state] : null;
  const { data, error, loading, refetch } = useQuery(FireHazardsQuery,
    { code, states, first: PAGE_SIZE, after: pages.after });
  const connection = data?.fireHazards;
  const title = handovers ? t("fire.handovers") : t("fire.hazards");

  function search(event: FormEvent) {
    event.preventDefault();
    pages.reset();
    const next = new URLSearchParams();
    if (draft.code.trim()) next.set("code", draft.code.trim());
    if (draft.state && !handovers) next.set("state", draft.state);
    setParams(next);
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("nav.fire")}</h1>
      <FireNav />
      <h2>{title}</h2>
      <form className="panel" onSubmit={search} aria-label={title}>
        <div className="filters">
          <TextField label={t("cases.grid")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} />
          {handovers ? null : (
            <SelectField label={t("fire.state")} name="state" value={draft.state}
              onChange={(value) => setDraft({ ...draft, state: value })}
              choices={[{ value: "", label: t("fire.anyState") },
                ...HAZARD_STATES.map((value) => ({ value, label: label(t, "fireHazardState", value) }))]} />
          )}
        </div>
        <div className="toolbar"><button type="submit">{t("fire.show")}</button></div>
      </form>
      <p>{t("fire.rectifyNote")}</p>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("fire.noHazards")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("fire.hazardType")}</th><th scope="col">{t("fire.place")}</th>
                  <th scope="col">{t("fire.grid")}</th><th scope="col">{t("fire.state")}</th>
                  <th scope="col">{t("fire.foundAt")}</th>
                  <th scope="col">{handovers ? t("fire.handedOverAt") : t("fire.rectifyBy")}</th>
                  <th scope="col">{t("fire.case")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((hazard) => (
                  <tr key={hazard.id} data-testid="hazard-row" data-jurisdiction={hazard.jurisdictionCode}
                    data-state={hazard.state}>
                    <td><Link to={`/fire/hazards/${hazard.id}`}>{typeName(hazard.hazardTypeCode)}</Link></td>
                    <td><Link to={`/fire/places/${hazard.placeId}`}>{hazard.placeName}</Link></td>
                    <td>{hazard.jurisdictionCode}</td>
                    <td><span className={`light light-fire-${hazard.state}`}>
                      {label(t, "fireHazardState", hazard.state)}</span></td>
                    <td>{formatDateTime(hazard.foundAt, locale)}</td>
                    <td>{formatDateTime(handovers ? hazard.handedOverAt : hazard.rectifyBy, locale) || t("app.none")}
                      {handovers || hazard.state !== "RECTIFYING" ? null
                        : <Countdown days={hazard.rectifyWorkingDaysLeft} />}</td>
                    <td><HazardCase hazard={hazard} /></td>
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

/** The case a hand-over opened: a link with its state, the bare number when outside the viewer's scope, or none yet. */
export function HazardCase({ hazard }: {
  hazard: { state: string; caseNumber: string; case?: { id: string; number: string; state: string } | null };
}) {
  const { t } = useI18n();
  if (hazard.case) {
    return (
      <span data-testid="hazard-case">
        <Link to={`/cases/${hazard.case.id}`}>{hazard.case.number}</Link>{" "}
        <span className="tag">{label(t, "caseState", hazard.case.state)}</span>
      </span>
    );
  }
  if (hazard.caseNumber) return <span>{t("fire.caseOutOfScope", { number: hazard.caseNumber })}</span>;
  return <span>{hazard.state === "HANDED_OVER" ? t("fire.noCaseYet") : t("app.none")}</span>;
}
