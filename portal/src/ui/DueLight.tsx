// The warning light of a case's deadline, as the API computed it (never recomputed here): word and colour.
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";

export function DueLight({ status }: { status: string | null | undefined }) {
  const { t } = useI18n();
  const value = status ?? "NONE";
  return <span className={`light light-${value}`}>{label(t, "dueStatus", value)}</span>;
}
