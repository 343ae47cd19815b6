// The environment pages' own links: patrols, sources, violations, the assessment, air quality.
import { useI18n } from "../i18n/i18n";
import { SectionNav } from "../ui/SectionNav";

export function EnvironmentNav() {
  const { t } = useI18n();
  return (
    <SectionNav label={t("env.sections")} sections={[
      { path: "/environment", label: t("env.patrols") },
      { path: "/environment/sources", label: t("env.sources") },
      { path: "/environment/violations", label: t("env.violations") },
      { path: "/environment/assessment", label: t("env.assessment") },
      { path: "/environment/air", label: t("env.air") },
    ]} />
  );
}
