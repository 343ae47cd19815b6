// The ledger's figures: hazards found, rectified on time, overdue, handed over, and the rate, by type and grid.
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { errorMessage } from "../api/errors";
import { useApi, useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import type { FireFileFormat, FireLedgerSection } from "../gql/graphql";
import { beijingInputToIso, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Notice } from "../ui/Notice";
import { FireNav } from "./FireNav";
import { useHazardTypeName } from "./hazardTypes";
import { download } from "../ui/download";

const SECTIONS: readonly FireLedgerSection[] = ["PLACES", "INSPECTIONS", "HAZARDS", "STATISTICS"];
const FORMATS: readonly FireFileFormat[] = ["XLSX", "CSV"];

const LedgerExportQuery = graphql(`
  query FireLedgerExport($code: String!, $section: FireLedgerSection!, $format: FireFileFormat!) {
    fireLedgerExport(jurisdictionCode: $code, section: $section, format: $format) { fileName contentType contentBase64 }
  }
`);

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
      <LedgerExport code={code} />
    </section>
  );
}

/** One section of the ledger of the chosen (or the viewer's own) jurisdiction, as a file. */
function LedgerExport({ code }: { code: string }) {
  const { t } = useI18n();
  const api = useApi();
  const { grant } = useSession();
  const [section, setSection] = useState<FireLedgerSection>("HAZARDS");
  const [format, setFormat] = useState<FireFileFormat>("XLSX");
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const target = code || grant?.scope || "";

  async function exportFile(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const file = (await api.request(LedgerExportQuery, { code: target, section, format })).fireLedgerExport;
      if (file) {
        download(file);
        setMessage({ kind: "success", text: t("fire.exported", { file: file.fileName }) });
      }
    } catch (error) {
      setMessage({ kind: "error", text: errorMessage(error, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={(event) => void exportFile(event)} aria-labelledby="ledger-export">
      <h2 id="ledger-export">{t("fire.export", { code: target })}</h2>
      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      <div className="filters">
        <SelectField label={t("fire.section")} name="section" value={section}
          onChange={(value) => setSection(SECTIONS.find((s) => s === value) ?? "HAZARDS")}
          choices={SECTIONS.map((value) => ({ value, label: label(t, "fireLedgerSection", value) }))} />
        <SelectField label={t("fire.format")} name="format" value={format}
          onChange={(value) => setFormat(FORMATS.find((f) => f === value) ?? "XLSX")}
          choices={FORMATS.map((value) => ({ value, label: value }))} />
      </div>
      <div className="toolbar"><button type="submit" disabled={busy || !target}>{t("fire.exportButton")}</button></div>
    </form>
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
