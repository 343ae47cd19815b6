// What a dry run (or a refused commit) found: the counts, the file's rows with each bad row and cell marked and
// its reason beside it (CSV), or the problems line by line (XLSX, which the portal does not read itself).
import { useMemo } from "react";
import { isMessageKey, useI18n, type Translate } from "../i18n/i18n";
import { errorsByLine, rowsToShow, type LedgerTable, type RowError } from "./ledgerPreview";

/** At most this many rows are drawn; every bad row is among them. */
const ROWS_SHOWN = 500;

export interface DryRunReport {
  errors: readonly RowError[];
  households: number;
  residents: number;
}

export function LedgerDryRun({ report, table }: { report: DryRunReport; table: LedgerTable | null }) {
  const { t } = useI18n();
  const badLines = useMemo(() => new Set(report.errors.map((error) => error.line)), [report.errors]);
  return (
    <>
      <ul className="kpis" aria-label={t("registry.ledgerCounts")}>
        {table ? <Kpi name={t("registry.ledgerRows")} value={table.rows.length} testId="ledger-rows" /> : null}
        <Kpi name={t("registry.ledgerBadRows")} value={badLines.size} testId="ledger-bad-rows" />
        <Kpi name={t("registry.ledgerProblems")} value={report.errors.length} testId="ledger-problems" />
        <Kpi name={t("registry.ledgerHouseholds")} value={report.households} testId="ledger-households" />
        <Kpi name={t("registry.ledgerResidents")} value={report.residents} testId="ledger-residents" />
      </ul>
      {table ? <RowsTable table={table} errors={report.errors} badLines={badLines} />
        : report.errors.length ? <ErrorList errors={report.errors} /> : null}
    </>
  );
}

function RowsTable({ table, errors, badLines }: {
  table: LedgerTable; errors: readonly RowError[]; badLines: ReadonlySet<number>;
}) {
  const { t } = useI18n();
  const byLine = useMemo(() => errorsByLine(errors, table.columns), [errors, table.columns]);
  const shown = useMemo(() => rowsToShow(table.rows, badLines, ROWS_SHOWN), [table.rows, badLines]);
  const drawn = new Set(shown.map((row) => row.line));
  // An error on a line the table does not hold (the file read otherwise than here) is still listed.
  const elsewhere = errors.filter((error) => !drawn.has(error.line));
  const rowProblems = [...byLine.values()].some((line) => line.ofRow.length > 0);
  const width = Math.max(table.header.length, ...shown.map((row) => row.cells.length));
  return (
    <>
      {shown.length < table.rows.length
        ? <p>{t("registry.ledgerShown", { shown: shown.length, total: table.rows.length })}</p> : null}
      <div className="ledger-scroll" role="region" aria-labelledby="ledger-rows-caption" tabIndex={0}>
        <table className="ledger-table">
          <caption id="ledger-rows-caption">{t("registry.ledgerTable")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("registry.ledgerLine")}</th>
              {Array.from({ length: width }, (_, i) => <th scope="col" key={i}>{table.header[i] ?? ""}</th>)}
              {rowProblems ? <th scope="col">{t("registry.ledgerRowProblems")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const line = byLine.get(row.line);
              const bad = line !== undefined;
              return (
                <tr key={row.line} data-testid="ledger-file-row" data-line={row.line}
                  data-invalid={bad ? "true" : undefined} className={bad ? "ledger-row-bad" : undefined}>
                  <th scope="row">
                    {row.line}
                    {bad ? <span className="ledger-mark"> ✖ {t("registry.ledgerRowBad")}</span> : null}
                  </th>
                  {Array.from({ length: width }, (_, i) => {
                    const reasons = line?.byCell.get(i);
                    const value = row.cells[i] ?? "";
                    return reasons ? (
                      <td key={i} className="ledger-cell-bad" data-invalid="true"
                        data-field={table.columns[i] ?? undefined}>
                        <span className="ledger-value">{value || t("registry.ledgerEmptyCell")}</span>
                        {reasons.map((reason) => (
                          <span className="ledger-reason" key={reason} data-testid="ledger-reason">
                            <span aria-hidden="true">✖ </span>
                            <span className="visually-hidden">{t("registry.ledgerCellBad")}</span>{reason}
                          </span>
                        ))}
                      </td>
                    ) : <td key={i} data-field={table.columns[i] ?? undefined}>{value}</td>;
                  })}
                  {rowProblems ? (
                    <td>
                      {line?.ofRow.map((error) => (
                        <span className="ledger-reason" key={`${error.field}-${error.reason}`} data-testid="ledger-reason">
                          <span aria-hidden="true">✖ </span>{columnName(t, error.field)}: {error.reason}
                        </span>
                      ))}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {elsewhere.length ? <ErrorList errors={elsewhere} /> : null}
    </>
  );
}

/** The problems line by line, for a file the portal does not draw itself. */
function ErrorList({ errors }: { errors: readonly RowError[] }) {
  const { t } = useI18n();
  return (
    <table className="ledger-table">
      <caption>{t("registry.ledgerErrorList")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("registry.ledgerLine")}</th>
          <th scope="col">{t("registry.ledgerColumn")}</th>
          <th scope="col">{t("registry.ledgerReason")}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((error, index) => (
          <tr key={index} data-testid="ledger-error" data-line={error.line} data-field={error.field}
            className="ledger-row-bad">
            <th scope="row">{error.line}</th>
            <td>{columnName(t, error.field)}</td>
            <td><span aria-hidden="true">✖ </span>{error.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function columnName(t: Translate, field: string): string {
  const key = `registry.column.${field}`;
  return isMessageKey(key) ? t(key) : field;
}

function Kpi({ name, value, testId }: { name: string; value: number; testId: string }) {
  return (
    <li className="kpi" data-testid={testId}>
      <span className="kpi-label">{name}</span>
      <span className="kpi-value">{value}</span>
    </li>
  );
}
