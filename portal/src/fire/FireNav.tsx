// The fire pages' own links: places due, hazards, hand-overs, the ledger.
import { useI18n } from "../i18n/i18n";
import { SectionNav } from "../ui/SectionNav";

export function FireNav() {
  const { t } = useI18n();
  return (
    <SectionNav label={t("fire.sections")} sections={[
      { path: "/fire", label: t("fire.due") },
      { path: "/fire/hazards", label: t("fire.hazards") },
      { path: "/fire/handovers", label: t("fire.handovers") },
      { path: "/fire/ledger", label: t("fire.ledger") },
    ]} />
  );
}
