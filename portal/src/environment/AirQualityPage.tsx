// A jurisdiction's air-quality averages against the reference area over a period: a chart, and the table below it
// as its accessible alternative.
import { useQuery } from "../api/hooks";
import { Chart } from "../charts/Chart";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { TextField } from "../ui/Field";
import { airQualitySpec } from "./airChart";
import { EnvironmentNav } from "./EnvironmentNav";
import { PeriodForm, usePeriodQuery } from "./PeriodForm";

const AirQualityQuery = graphql(`
  query AirQualityComparison($start: String!, $end: String!, $code: String!, $referenceArea: String!) {
    airQualityComparison(start: $start, end: $end, jurisdictionCode: $code, referenceArea: $referenceArea, first: 50) {
      nodes { pollutant samples average referenceAverage difference percentOfReference }
    }
  }
`);

export default function AirQualityPage() {
  const { t, locale } = useI18n();
  const [query, setQuery] = usePeriodQuery(["reference"]);
  const { data, error, loading, refetch } = useQuery(AirQualityQuery, { start: query.start, end: query.end,
    code: query.code, referenceArea: query.extra.reference ?? "" });
  const rows = data?.airQualityComparison?.nodes;
  const spec = rows ? airQualitySpec(rows, (pollutant) => label(t, "envPollutant", pollutant),
    { here: t("env.airHere"), reference: t("env.airReference") }) : null;
  const number = (value: number | null | undefined, digits = 1) => value === null || value === undefined ? "—"
    : new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  return (
    <section aria-busy={loading}>
      <h1>{t("nav.environment")}</h1>
      <EnvironmentNav />
      <h2>{t("env.air")}</h2>
      <PeriodForm label={t("env.air")} query={query} onSubmit={setQuery}
        extra={(draft, set) => (
          <TextField label={t("env.referenceArea")} name="reference" value={draft.reference ?? ""}
            onChange={(value) => set("reference", value)} />
        )} />
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {rows ? (
        rows.length === 0 ? <p>{t("env.noAir")}</p> : (
          <>
            {spec ? <Chart spec={spec} label={t("env.airChart")} testId="air-chart" /> : <p>{t("env.airNoChart")}</p>}
            <table>
              <caption className="visually-hidden">{t("env.air")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("env.pollutant")}</th><th scope="col">{t("env.samples")}</th>
                  <th scope="col">{t("env.average")}</th><th scope="col">{t("env.referenceAverage")}</th>
                  <th scope="col">{t("env.difference")}</th><th scope="col">{t("env.percentOfReference")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.pollutant} data-testid="air-row">
                    <td>{label(t, "envPollutant", row.pollutant)}</td>
                    <td>{row.samples}</td>
                    <td>{number(row.average)}</td>
                    <td>{number(row.referenceAverage)}</td>
                    <td>{row.difference !== null && row.difference !== undefined && row.difference > 0 ? "+" : ""}
                      {number(row.difference)}</td>
                    <td>{row.percentOfReference === null || row.percentOfReference === undefined ? "—"
                      : `${number(row.percentOfReference)}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
    </section>
  );
}
