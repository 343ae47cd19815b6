// The household ledger (户籍台账): import in two steps (a dry run of the chosen file, then, only when it is clean,
// the commit under one idempotency key so a retry never imports twice), and export of the caller's ledger.
import { useId, useRef, useState, type ChangeEvent } from "react";
import { Link } from "react-router-dom";
import { mayRetry } from "../api/errors";
import { useApi } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import type { ImportReport } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { HouseholdExport } from "./HouseholdExport";
import { mayExportLedger, mayImportLedger } from "./ledgerAccess";
import { LedgerDryRun } from "./LedgerDryRun";
import { bytesBase64, decodeLedger, formatOf, ledgerTable, type LedgerFormat, type LedgerTable } from "./ledgerPreview";
import { RequestFailure } from "./RequestFailure";
import { RegistryNav } from "./RegistryNav";
import "./ledger.css";

/** The registry reads at most 20 MiB. */
const MAX_BYTES = 20 * 1024 * 1024;

const ImportHouseholdsMutation = graphql(`
  mutation ImportHouseholds($input: ImportHouseholdsInput!, $key: String) {
    importHouseholds(input: $input, idempotencyKey: $key) {
      errors { line field reason }
      households residents buildings nothingStored
    }
  }
`);

type Report = Pick<ImportReport, "households" | "residents" | "buildings" | "nothingStored">
  & { errors: { line: number; field: string; reason: string }[] };

interface Chosen {
  name: string;
  format: LedgerFormat;
  contentBase64: string;
  /** The rows as the page draws them; null for XLSX, which only the registry reads. */
  table: LedgerTable | null;
}

export default function HouseholdLedgerPage() {
  const { t } = useI18n();
  const { grant } = useSession();
  const imports = mayImportLedger(grant?.role);
  const exports = mayExportLedger(grant?.role);
  return (
    <section>
      <h1>{t("nav.registry")}</h1>
      <RegistryNav />
      <h2>{t("registry.ledger")}</h2>
      {!imports && !exports ? <Notice kind="info">{t("registry.ledgerNotOffered")}</Notice> : null}
      {imports ? <LedgerImport /> : null}
      {exports ? <HouseholdExport /> : null}
    </section>
  );
}

function LedgerImport() {
  const { t } = useI18n();
  const api = useApi();
  const inputId = useId();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [dryRun, setDryRun] = useState<Report | null>(null);
  // One key per clean dry run: every send of that commit (a retry after a lost answer) carries it.
  const [commitKey, setCommitKey] = useState<string | null>(null);
  const [committing, setCommitting] = useState(false);
  const [commitError, setCommitError] = useState<unknown>(null);
  const [committed, setCommitted] = useState<Report | null>(null);
  // A second click before React draws the disabled button must not send the commit again.
  const sending = useRef(false);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    // Cleared so that the same file, corrected and saved, can be chosen again.
    event.currentTarget.value = "";
    if (!file) return;
    setChosen(null);
    setDryRun(null);
    setCheckError(null);
    setCommitKey(null);
    setCommitError(null);
    setCommitted(null);
    const format = formatOf(file.name);
    if (format === null) {
      setFileProblem(t("registry.ledgerWrongFormat", { file: file.name }));
      return;
    }
    if (file.size > MAX_BYTES) {
      setFileProblem(t("registry.ledgerTooLarge", { file: file.name }));
      return;
    }
    setFileProblem(null);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const next: Chosen = { name: file.name, format, contentBase64: bytesBase64(bytes),
      table: format === "CSV" ? ledgerTable(decodeLedger(bytes)) : null };
    setChosen(next);
    await check(next);
  }

  async function check(file: Chosen) {
    setChecking(true);
    setCheckError(null);
    try {
      const report = (await api.request(ImportHouseholdsMutation, {
        input: { contentBase64: file.contentBase64, format: file.format, dryRun: true }, key: null })).importHouseholds;
      if (report) {
        setDryRun(report);
        setCommitKey(report.errors.length === 0 ? crypto.randomUUID() : null);
      }
    } catch (error) {
      setCheckError(error);
    } finally {
      setChecking(false);
    }
  }

  async function commit() {
    if (!chosen || !commitKey || sending.current) return;
    sending.current = true;
    setCommitting(true);
    setCommitError(null);
    try {
      const report = (await api.request(ImportHouseholdsMutation, {
        input: { contentBase64: chosen.contentBase64, format: chosen.format, dryRun: false }, key: commitKey,
      })).importHouseholds;
      if (report) {
        if (report.errors.length) {
          // Something registered since the dry run clashes with the file: nothing was stored.
          setDryRun(report);
          setCommitKey(null);
        } else {
          setCommitted(report);
        }
      }
    } catch (error) {
      setCommitError(error);
    } finally {
      sending.current = false;
      setCommitting(false);
    }
  }

  const badRows = dryRun ? new Set(dryRun.errors.map((error) => error.line)).size : 0;
  return (
    <section className="panel" aria-labelledby="ledger-import" aria-busy={checking || committing}>
      <h2 id="ledger-import">{t("registry.ledgerImport")}</h2>
      <p>{t("registry.ledgerImportHelp")}</p>
      <div className="field">
        <label htmlFor={inputId}>{t("registry.ledgerFile")}</label>
        <input id={inputId} name="ledger" type="file" data-testid="ledger-file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={checking || committing} aria-invalid={fileProblem ? true : undefined}
          aria-describedby={fileProblem ? `${inputId}-error` : undefined}
          onChange={(event) => void choose(event)} />
        {fileProblem ? <span id={`${inputId}-error`} className="field-error">{fileProblem}</span> : null}
      </div>
      {chosen ? <p data-testid="ledger-chosen">{t("registry.ledgerChosen", { file: chosen.name })}</p> : null}
      {checking ? <p className="loading" role="status">{t("registry.ledgerChecking", { file: chosen?.name ?? "" })}</p>
        : null}
      {checkError ? (
        <RequestFailure error={checkError}>
          {chosen && mayRetry(checkError) ? <button type="button" className="button-secondary" onClick={() => void check(chosen)}>
            {t("registry.ledgerCheckAgain")}</button> : null}
        </RequestFailure>
      ) : null}
      {committed ? (
        <div data-testid="ledger-committed">
          <Notice kind="success">
            {t("registry.ledgerCommitted", { households: committed.households, residents: committed.residents,
              buildings: committed.buildings })}{" "}
            <Link to="/registry/households">{t("registry.ledgerSeeHouseholds")}</Link>
          </Notice>
        </div>
      ) : dryRun && chosen ? (
        <section aria-labelledby="ledger-dry-run" data-testid="ledger-dry-run">
          <h3 id="ledger-dry-run">{t("registry.ledgerDryRun", { file: chosen.name })}</h3>
          {dryRun.errors.length ? (
            <Notice kind="error">{t("registry.ledgerHasErrors", { errors: dryRun.errors.length, rows: badRows })}</Notice>
          ) : (
            <Notice kind="success">
              {t("registry.ledgerClean", { households: dryRun.households, residents: dryRun.residents })}
            </Notice>
          )}
          {commitError ? <RequestFailure error={commitError}
            prefix={mayRetry(commitError) ? t("registry.ledgerCommitFailed") : undefined} /> : null}
          {commitKey && !(commitError && !mayRetry(commitError)) ? (
            <div className="toolbar">
              <button type="button" data-testid="ledger-commit" disabled={committing} onClick={() => void commit()}>
                {committing ? t("registry.ledgerCommitting")
                  : commitError ? t("registry.ledgerCommitRetry") : t("registry.ledgerCommit")}
              </button>
            </div>
          ) : null}
          <LedgerDryRun report={dryRun} table={chosen.table} />
        </section>
      ) : null}
    </section>
  );
}
