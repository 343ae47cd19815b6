// The registry pages' own links: the jurisdiction tree with its grid staff, the households.
import { useI18n } from "../i18n/i18n";
import { SectionNav } from "../ui/SectionNav";

export function RegistryNav() {
  const { t } = useI18n();
  return (
    <SectionNav label={t("registry.sections")} sections={[
      { path: "/registry", label: t("registry.tree") },
      { path: "/registry/households", label: t("registry.households") },
    ]} />
  );
}
