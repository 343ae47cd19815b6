// The registry pages' own links: the jurisdiction tree with its grid staff, the households, the household ledger
// (for the roles that may import or export it).
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { SectionNav } from "../ui/SectionNav";
import { mayExportLedger, mayImportLedger } from "./ledgerAccess";

export function RegistryNav() {
  const { t } = useI18n();
  const { grant } = useSession();
  const ledger = mayImportLedger(grant?.role) || mayExportLedger(grant?.role);
  return (
    <SectionNav label={t("registry.sections")} sections={[
      { path: "/registry", label: t("registry.tree") },
      { path: "/registry/households", label: t("registry.households") },
      ...(ledger ? [{ path: "/registry/ledger", label: t("registry.ledger") }] : []),
    ]} />
  );
}
