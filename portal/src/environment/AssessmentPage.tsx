// The grid assessment: patrol compliance and violation closure per grid, street or grid head over a period.
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import type { PollutionAssessmentUnit } from "../gql/graphql";
import { formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { EnvironmentNav } from "./EnvironmentNav";
import { PeriodForm, usePeriodQuery } from "./PeriodForm";

const UNITS: readonly PollutionAssessmentUnit[] = ["GRID", "STREET", "PERSON"];

const AssessmentQuery = graphql(`
  query PollutionAssessment($start: String!, $end: String!, $unit: PollutionAssessmentUnit!, $code: String!,
      $first: Int!, $after: String) {
    pollutionAssessment(start: $start, end: $end, unit: $unit, jurisdictionCode: $code, first: $first, after: $after) {
      nodes {
        unit key patrolsRequired patrolsFulfilled windowsMissed complianceRate
        violationsFound violationsClosed violationsClosedOnTime
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function AssessmentPage() {
  const { t, locale } = useI18n();
  const [query, setQuery] = usePeriodQuery(["unit"]);
  const unit = UNITS.find((value) => value === query.extra.unit) ?? "GRID";
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(AssessmentQuery, { start: query.start, end: query.end, unit,
    code: query.code, first: 50, after: pages.after });
  const connection = data?.pollutionAssessment;
  return (
    <section aria-busy={loading}>
      <h1>{t("nav.environment")}</h1>
      <EnvironmentNav />
      <h2>{t("env.assessment")}</h2>
      <PeriodForm label={t("env.assessment")} query={query} onSubmit={(next) => { pages.reset(); setQuery(next); }}
        extra={(draft, set) => (
          <SelectField label={t("env.unit")} name="unit" value={draft.unit || "GRID"} onChange={(value) => set("unit", value)}
            choices={UNITS.map((value) => ({ value, label: label(t, "envAssessmentUnit", value) }))} />
        )} />
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("env.noAssessment")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{t("env.assessment")}</caption>
              <thead>
                <tr>
                  <th scope="col">{label(t, "envAssessmentUnit", unit)}</th>
                  <th scope="col">{t("env.patrolsRequired")}</th><th scope="col">{t("env.patrolsFulfilled")}</th>
                  <th scope="col">{t("env.windowsMissed")}</th><th scope="col">{t("env.compliance")}</th>
                  <th scope="col">{t("env.violationsFound")}</th><th scope="col">{t("env.violationsClosed")}</th>
                  <th scope="col">{t("env.violationsClosedOnTime")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((row) => (
                  <tr key={`${row.unit}-${row.key}`} data-testid="assessment-row" data-key={row.key}>
                    <td>{row.key}</td>
                    <td>{row.patrolsRequired}</td>
                    <td>{row.patrolsFulfilled}</td>
                    <td>{row.windowsMissed}</td>
                    <td>{formatRate(row.complianceRate, locale)}</td>
                    <td>{row.violationsFound}</td>
                    <td>{row.violationsClosed}</td>
                    <td>{row.violationsClosedOnTime}</td>
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
