// A grid worker inspects a fire-safety place of today's list on the phone: every catalogue line that applies to
// the place, a photo for each hazard found, then submitted and finalized as one write (kept in the phone's queue
// offline, replayed without a second inspection). The place, its grid level and the catalogue come from today's
// kept list, so the page works offline once today's work has been opened online.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useSession } from "../auth/session";
import type { FireCheckResult } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { CheckboxField, FilesField, SelectField, TextField } from "../ui/Field";
import { Notice } from "../ui/Notice";
import { applicableTypes, checklistProblems, isClean, normalized, type ChecklistLine } from "./fireChecklist";
import { FIRE_INSPECTION_OPERATION, placesWaiting } from "./fireInspection";
import { storageKey, useLastKnown, useOnline } from "./lastKnown";
import { newIdempotencyKey } from "./offlineQueue";
import { OutcomeNotice, outcomeOf, QueueStatus, tooLargePhoto, type Outcome } from "./QueueStatus";
import { FireDueTodayQuery } from "./todayQueries";
import { useFieldQueue } from "./useFieldQueue";

const RESULTS: readonly FireCheckResult[] = ["NOT_INSPECTED", "PASSED", "HAZARD_FOUND"];

type Line = Omit<ChecklistLine, "photos">;

export default function FireInspectPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const { session, grant } = useSession();
  const online = useOnline();
  const queue = useFieldQueue();
  const grid = grant?.scope ?? "";
  const today = useLastKnown(storageKey("fireDue", session?.subject ?? "", grid), FireDueTodayQuery, { grid },
    online, grid === "");
  const place = today.data?.due?.nodes.find((p) => p.id === id);
  // An inspection of this place already waiting in the queue is not made twice.
  const waiting = placesWaiting(queue.waiting).has(id);
  const types = place ? applicableTypes(today.data?.hazardTypes?.nodes ?? [], place.type) : [];
  const [lines, setLines] = useState<Record<string, Line>>({});
  const [photos, setPhotos] = useState<Record<string, File[]>>({});
  const [photoErrors, setPhotoErrors] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<ReturnType<typeof checklistProblems> | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const lineOf = (code: string): Line => lines[code] ?? { hazardTypeCode: code, result: "NOT_INSPECTED", fixedOnSpot: false, note: "" };
  const edit = (code: string, change: Partial<Line>) => setLines({ ...lines, [code]: { ...lineOf(code), ...change } });
  const checklist = (): ChecklistLine[] => types.map((type) => ({ ...lineOf(type.code), photos: photos[type.code]?.length ?? 0 }));

  function choose(code: string, files: File[]) {
    const tooLarge = tooLargePhoto(files);
    setPhotoErrors({ ...photoErrors, [code]: tooLarge ? t("report.photoTooLarge", { name: tooLarge.name }) : "" });
    if (!tooLarge) setPhotos({ ...photos, [code]: files });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!place) return;
    const problems = checklistProblems(checklist());
    setShown(problems);
    if (!isClean(problems)) return;
    const items = checklist().map(normalized).map((line) => ({ hazardTypeCode: line.hazardTypeCode, result: line.result,
      fixedOnSpot: line.fixedOnSpot, note: line.note.trim(),
      photos: line.result === "HAZARD_FOUND" ? (photos[line.hazardTypeCode] ?? []) : [] }));
    const found = items.filter((item) => item.result === "HAZARD_FOUND").length;
    const checked = items.filter((item) => item.result !== "NOT_INSPECTED").length;
    const key = newIdempotencyKey();
    const result = await queue.submit({
      key, operation: FIRE_INSPECTION_OPERATION, createdAt: Date.now(),
      variables: { placeId: place.id, gridLevel: place.inspectedBy, jurisdictionCode: place.jurisdictionCode, items,
        summary: `${place.name} · ${t("fireCheck.summary", { checked, found })}` },
    });
    setOutcome(outcomeOf(t, result, key));
    setLines({});
    setPhotos({});
    setShown(null);
  }

  return (
    <section className="field-page">
      <h1>{t("fireCheck.title")}</h1>
      <QueueStatus queue={queue} />
      <OutcomeNotice outcome={outcome} />
      {outcome || waiting ? (
        outcome ? null : <Notice kind="info">{t("fireCheck.waiting")}</Notice>
      ) : place === undefined ? (
        today.loading ? <p role="status">{t("app.loading")}</p>
          : <Notice kind="warning">{t("fireCheck.notKnown")}</Notice>
      ) : (
        <form className="panel" onSubmit={(event) => void submit(event)} noValidate>
          <p data-testid="fire-check-place">
            <strong>{place.name}</strong> · {label(t, "firePlaceType", place.type)} · {place.address}
          </p>
          <p>{t("fireCheck.level")}: {label(t, "fireGridLevel", place.inspectedBy)}</p>
          {types.length === 0 ? <Notice kind="warning">{t("fireCheck.noCatalogue")}</Notice> : null}
          <fieldset className="fire-checklist">
            <legend>{t("fireCheck.items")}</legend>
            {types.map((type) => {
              const line = lineOf(type.code);
              const problem = shown?.lines[type.code];
              return (
                <div key={type.code} className="panel" data-testid="fire-check-item" data-code={type.code}>
                  <SelectField label={type.name} name={`result-${type.code}`} value={line.result}
                    onChange={(value) => edit(type.code, { result: value as FireCheckResult })}
                    choices={RESULTS.map((r) => ({ value: r, label: label(t, "fireCheckResult", r) }))} />
                  {line.result === "HAZARD_FOUND" ? (
                    <>
                      <FilesField label={`${t("fireCheck.photos")}（${type.name}）`} name={`photos-${type.code}`}
                        count={photos[type.code]?.length ?? 0} onChange={(files) => choose(type.code, files)} required
                        error={photoErrors[type.code] || (problem ? t(problem) : undefined)} />
                      <CheckboxField label={t("fireCheck.fixedOnSpot")} name={`fixed-${type.code}`}
                        checked={line.fixedOnSpot} onChange={(fixedOnSpot) => edit(type.code, { fixedOnSpot })} />
                    </>
                  ) : null}
                  {line.result !== "NOT_INSPECTED" ? (
                    <TextField label={`${t("fireCheck.note")}（${type.name}）`} name={`note-${type.code}`} value={line.note}
                      onChange={(note) => edit(type.code, { note })} />
                  ) : null}
                </div>
              );
            })}
          </fieldset>
          {shown?.whole ? <p className="field-error" role="alert" data-testid="checklist-error">{t(shown.whole)}</p> : null}
          <p className="today-note">{t("record.offlineNote")}</p>
          <button type="submit" className="button-wide" disabled={types.length === 0}>{t("fireCheck.submit")}</button>
        </form>
      )}
      <p><Link to="/field/today">{t("record.backToday")}</Link></p>
    </section>
  );
}
