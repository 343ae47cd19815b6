// Violations found on patrols, with the deadline the API gives and the case each became.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import type { PollutionViolationState } from "../gql/graphql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Countdown } from "../ui/Countdown";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { EnvironmentNav } from "./EnvironmentNav";
import { useViolationTypeName } from "./violationTypes";

const PAGE_SIZE = 20;
const STATES: readonly PollutionViolationState[] = ["OPEN", "CLOSED"];

const ViolationsQuery = graphql(`
  query PollutionViolations($code: String!, $state: PollutionViolationState, $first: Int!, $after: String) {
    pollutionViolations(jurisdictionCode: $code, state: $state, first: $first, after: $after) {
      nodes {
        id violationType jurisdictionCode state urgent foundAt deadline workingDaysLeft closedAt closedOnTime caseNumber
        case { id number state dueStatus }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function ViolationsPage() {
  const { t, locale } = useI18n();
  const typeName = useViolationTypeName();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? "";
  const state = STATES.find((value) => value === params.get("state")) ?? null;
  const [draft, setDraft] = useState({ code, state: state ?? "" });
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(ViolationsQuery, { code, state, first: PAGE_SIZE,
    after: pages.after });
  const connection = data?.pollutionViolations;

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
      <h2>{t("env.violations")}</h2>
      <form className="panel" onSubmit={search} aria-label={t("env.violations")}>
        <div className="filters">
          <TextField label={t("env.jurisdiction")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} />
          <SelectField label={t("env.status")} name="state" value={draft.state}
            onChange={(value) => setDraft({ ...draft, state: value })}
            choices={[{ value: "", label: t("env.anyStatus") },
              ...STATES.map((value) => ({ value, label: label(t, "envViolationState", value) }))]} />
        </div>
        <div className="toolbar"><button type="submit">{t("env.show")}</button></div>
      </form>
      <p>{t("env.deadlineNote")}</p>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("env.noViolations")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{t("env.violations")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("env.violationType")}</th><th scope="col">{t("env.grid")}</th>
                  <th scope="col">{t("env.status")}</th><th scope="col">{t("env.foundAt")}</th>
                  <th scope="col">{t("env.deadline")}</th><th scope="col">{t("env.closedOnTime")}</th>
                  <th scope="col">{t("env.case")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((violation) => (
                  <tr key={violation.id} data-testid="violation-row" data-jurisdiction={violation.jurisdictionCode}>
                    <td>
                      <Link to={`/environment/violations/${violation.id}`}>{typeName(violation.violationType)}</Link>
                      {violation.urgent ? <span className="tag">{t("env.urgent")}</span> : null}
                    </td>
                    <td>{violation.jurisdictionCode}</td>
                    <td>{label(t, "envViolationState", violation.state)}</td>
                    <td>{formatDateTime(violation.foundAt, locale)}</td>
                    <td>{formatDateTime(violation.deadline, locale) || t("app.none")}
                      {violation.closedAt ? null : <Countdown days={violation.workingDaysLeft} />}</td>
                    <td>{violation.state === "CLOSED" ? (violation.closedOnTime ? t("env.yes") : t("env.no")) : ""}</td>
                    <td><ViolationCase violation={violation} /></td>
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

/** The case a violation became: a link with its state, the bare number outside the viewer's scope, or none yet. */
export function ViolationCase({ violation }: {
  violation: { caseNumber: string; case?: { id: string; number: string; state: string } | null };
}) {
  const { t } = useI18n();
  if (violation.case) {
    return (
      <span data-testid="violation-case">
        <Link to={`/cases/${violation.case.id}`}>{violation.case.number}</Link>{" "}
        <span className="tag">{label(t, "caseState", violation.case.state)}</span>
      </span>
    );
  }
  return <span>{violation.caseNumber || t("env.noCaseYet")}</span>;
}
