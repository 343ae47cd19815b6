// The ledger's figures: hazards found, rectified on time, overdue, handed over, and the rate, by type and grid.
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { beijingInputToIso, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { ErrorPanel } from "../ui/ErrorPanel";
import { TextField } from "../ui/Field";
import { FireNav } from "./FireNav";
import { useHazardTypeName } from "./hazardTypes";

const FireLedgerQuery = graphql(`
  query FireLedger($code: String!, $foundFrom: DateTime, $foundTo: DateTime) {
    fireLedgerStatistics(jurisdictionCode: $code, foundFrom: $foundFrom, foundTo: $foundTo) {
      total { found rectifiedOnTime overdue handedOver rectificationRate }
      rows { hazardTypeCode jurisdictionCode found rectifiedOnTime overdue handedOver rectificationRate }
    }
  }
`);

export default function FireLedgerPage() {
  const { t, locale } = useI18n();
  const typeName = useHazardTypeName();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [draft, setDraft] = useState({ code, from, to });
  const { data, error, loading, refetch } = useQuery(FireLedgerQuery, { code,
    foundFrom: from ? beijingInputToIso(`${from}T00:00`) : null, foundTo: to ? beijingInputToIso(`${to}T23:59`) : null });
  const statistics = data?.fireLedgerStatistics;

  function search(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value.trim()) next.set(name, value.trim());
    setParams(next);
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("nav.fire")}</h1>
      <FireNav />
      <h2>{t("fire.ledger")}</h2>
      <form className="panel" onSubmit={search} aria-label={t("fire.ledger")}>
        <div className="filters">
          <TextField label={t("cases.grid")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} />
          <TextField label={t("fire.foundFrom")} name="from" type="date" value={draft.from}
            onChange={(value) => setDraft({ ...draft, from: value })} />
          <TextField label={t("fire.foundTo")} name="to" type="date" value={draft.to}
            onChange={(value) => setDraft({ ...draft, to: value })} />
        </div>
        <div className="toolbar"><button type="submit">{t("fire.show")}</button></div>
      </form>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {statistics ? (
        <>
          <ul className="kpis" aria-label={t("fire.total")}>
            <Kpi name={t("fire.found")} value={statistics.total.found} testId="ledger-found" />
            <Kpi name={t("fire.rectifiedOnTime")} value={statistics.total.rectifiedOnTime} />
            <Kpi name={t("fire.overdue")} value={statistics.total.overdue} />
            <Kpi name={t("fire.handedOver")} value={statistics.total.handedOver} />
            <Kpi name={t("fire.rate")} value={formatRate(statistics.total.rectificationRate, locale)} />
          </ul>
          <p>{t("fire.rateFormula", { onTime: statistics.total.rectifiedOnTime, found: statistics.total.found })}</p>
          {statistics.rows.length === 0 ? <p>{t("fire.noStatistics")}</p> : (
            <table>
              <caption>{t("fire.byTypeAndGrid")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("fire.hazardType")}</th><th scope="col">{t("fire.grid")}</th>
                  <th scope="col">{t("fire.found")}</th><th scope="col">{t("fire.rectifiedOnTime")}</th>
                  <th scope="col">{t("fire.overdue")}</th><th scope="col">{t("fire.handedOver")}</th>
                  <th scope="col">{t("fire.rate")}</th>
                </tr>
              </thead>
              <tbody>
                {statistics.rows.map((row) => (
                  <tr key={`${row.hazardTypeCode}-${row.jurisdictionCode}`} data-testid="ledger-row"
                    data-jurisdiction={row.jurisdictionCode}>
                    <td>{typeName(row.hazardTypeCode)}</td>
                    <td>{row.jurisdictionCode}</td>
                    <td>{row.found}</td>
                    <td>{row.rectifiedOnTime}</td>
                    <td>{row.overdue}</td>
                    <td>{row.handedOver}</td>
                    <td>{formatRate(row.rectificationRate, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}

function Kpi({ name, value, testId }: { name: string; value: number | string; testId?: string }) {
  return (
    <li className="kpi" data-testid={testId}>
      <span className="kpi-label">{name}</span>
      <span className="kpi-value">{value}</span>
    </li>
  );
}
