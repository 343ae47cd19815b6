// A working-day countdown exactly as the API computed it (never counted in the browser).
import { useI18n } from "../i18n/i18n";

export function Countdown({ days }: { days: number | null | undefined }) {
  const { t } = useI18n();
  if (days === null || days === undefined) return null;
  const [kind, text] = days > 0 ? ["countdown-left", t("countdown.left", { days })]
    : days === 0 ? ["countdown-today", t("countdown.today")]
      : ["countdown-past", t("countdown.past", { days: -days })];
  return <span className={`countdown ${kind}`} data-testid="countdown">{text}</span>;
}
