// The households of the caller's scope (or of a part of it) as a ledger file, named and masked as the API decides.
import { useState, type FormEvent } from "react";
import { useApi } from "../api/hooks";
import { useSession } from "../auth/session";
import { download } from "../ui/download";
import { graphql } from "../gql";
import type { RegistryFileFormat } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { SelectField, TextField } from "../ui/Field";
import { Notice } from "../ui/Notice";
import { RequestFailure } from "./RequestFailure";

const FORMATS: readonly RegistryFileFormat[] = ["XLSX", "CSV"];

const HouseholdExportQuery = graphql(`
  query HouseholdExport($format: RegistryFileFormat!, $prefix: String!) {
    householdExport(format: $format, jurisdictionPrefix: $prefix) {
      filename contentType contentBase64 households residents
    }
  }
`);

export function HouseholdExport() {
  const { t } = useI18n();
  const api = useApi();
  const { grant } = useSession();
  const [format, setFormat] = useState<RegistryFileFormat>("XLSX");
  const [prefix, setPrefix] = useState("");
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function exportFile(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setExported(null);
    setError(null);
    try {
      const file = (await api.request(HouseholdExportQuery, { format, prefix: prefix.trim() })).householdExport;
      if (file) {
        download({ fileName: file.filename, contentType: file.contentType, contentBase64: file.contentBase64 });
        setExported(t("registry.ledgerExported", { file: file.filename, households: file.households,
          residents: file.residents }));
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" onSubmit={(event) => void exportFile(event)} aria-labelledby="ledger-export"
      aria-busy={busy}>
      <h2 id="ledger-export">{t("registry.ledgerExport")}</h2>
      <p>{t("registry.ledgerExportHelp", { scope: grant?.scope ?? "" })}</p>
      {exported ? <Notice kind="success">{exported}</Notice> : null}
      {error ? <RequestFailure error={error} /> : null}
      <div className="filters">
        <TextField label={t("registry.jurisdiction")} name="prefix" value={prefix} inputMode="numeric"
          onChange={setPrefix} />
        <SelectField label={t("registry.ledgerFormat")} name="format" value={format}
          onChange={(value) => setFormat(FORMATS.find((f) => f === value) ?? "XLSX")}
          choices={FORMATS.map((value) => ({ value, label: value }))} />
      </div>
      <div className="toolbar"><button type="submit" disabled={busy}>{t("registry.ledgerExportButton")}</button></div>
    </form>
  );
}
