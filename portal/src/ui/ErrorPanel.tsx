// A panel whose request failed: says why in the user's language and offers a retry; the page goes on.
import { errorMessage } from "../api/errors";
import { useI18n } from "../i18n/i18n";
import { Notice } from "./Notice";

export function ErrorPanel({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <Notice kind="error">
      {errorMessage(error, t)}{" "}
      {retry ? <button type="button" className="button-secondary" onClick={retry}>{t("app.retry")}</button> : null}
    </Notice>
  );
}
