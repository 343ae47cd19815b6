// The signed-in user's saved views of the case list: save the filters in the URL under a name, apply one (the URL
// changes, so it can be bookmarked or shared), delete one.
import { useState, type FormEvent } from "react";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { TextField } from "../ui/Field";
import type { CaseFilters } from "./filters";
import { deleteView, loadViews, NAME_MAX, saveView, viewParams, type SavedView, type ViewProblem } from "./savedViews";

interface SavedViewsProps {
  /** The filters the list shows now (from the URL). */
  filters: CaseFilters;
  /** The URL's search parameters now, to mark the view shown. */
  current: string;
  apply: (params: URLSearchParams) => void;
}

export function SavedViews({ filters, current, apply }: SavedViewsProps) {
  const { t } = useI18n();
  const subject = useSession().session?.subject ?? "";
  // Held with the subject they belong to, so a different user signed in reads their own.
  const [kept, setKept] = useState(() => ({ subject, views: loadViews(subject) }));
  const views: SavedView[] = kept.subject === subject ? kept.views : loadViews(subject);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<ViewProblem | null>(null);
  const [status, setStatus] = useState("");
  if (!subject) return null;

  const problemText = (p: ViewProblem) => p === "tooLong" ? t("cases.views.tooLong", { max: NAME_MAX })
    : t(`cases.views.${p}`);

  function save(event: FormEvent) {
    event.preventDefault();
    const result = saveView(subject, name, filters);
    setProblem(result.problem);
    setKept({ subject, views: result.views });
    if (result.problem === null) {
      setStatus(t("cases.views.saved", { name: name.trim() }));
      setName("");
    } else setStatus("");
  }
  function remove(view: SavedView) {
    setKept({ subject, views: deleteView(subject, view.name) });
    setStatus(t("cases.views.deleted", { name: view.name }));
  }

  return (
    <div className="panel" data-testid="saved-views">
      <h2>{t("cases.views")}</h2>
      {views.length === 0 ? <p>{t("cases.views.none")}</p> : (
        <ul className="saved-views">
          {views.map((view) => (
            <li key={view.name} data-testid="saved-view">
              <button type="button" className="button-secondary"
                aria-label={t("cases.views.apply", { name: view.name })}
                aria-current={viewParams(view).toString() === current ? "true" : undefined}
                onClick={() => apply(viewParams(view))}>{view.name}</button>
              <button type="button" className="button-secondary"
                aria-label={t("cases.views.deleteNamed", { name: view.name })}
                onClick={() => remove(view)}>{t("cases.views.delete")}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={save} aria-label={t("cases.views.save")} noValidate>
        <div className="filters">
          <TextField label={t("cases.views.name")} name="viewName" value={name} required
            onChange={(value) => { setName(value); setProblem(null); }}
            error={problem ? problemText(problem) : undefined} />
        </div>
        <div className="toolbar">
          <button type="submit">{t("cases.views.save")}</button>
        </div>
      </form>
      <p role="status" className="visually-hidden">{status}</p>
    </div>
  );
}
