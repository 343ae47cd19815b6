// The grid worker's phone page: report a problem where it stands (its location from the phone), offline or not.
import { useEffect, useState, type FormEvent } from "react";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../ui/Field";
import { useDraft } from "../ui/useDraft";
import { validate, type FormField } from "../cases/actionForms";
import { newIdempotencyKey } from "./offlineQueue";
import { OutcomeNotice, outcomeOf, QueueStatus, tooLargePhoto, type Outcome } from "./QueueStatus";
import { REPORT_OPERATION } from "./reportCase";
import { useFieldQueue } from "./useFieldQueue";

const CategoriesQuery = graphql(`
  query ReportCategories { caseCategories(first: 200) { nodes { code name } } }
`);

const MyReportsQuery = graphql(`
  query MyReports { cases(source: GRID_WORKER, first: 50) { nodes { id number description state reporter reportedAt } } }
`);

// At most this many photos a report, each no larger than the gateway takes a photo.
const MAX_PHOTOS = 9;

// Categories kept for when the phone is offline (the list barely changes).
const CATEGORIES_KEY = "gridgov.field.categories";

const FIELDS: readonly FormField[] = [
  { name: "categoryCode", label: "report.category", kind: "text", required: true },
  { name: "description", label: "report.description", kind: "textarea", required: true, max: 10000 },
  { name: "address", label: "report.address", kind: "text", max: 200 },
];

interface Position { latitude: number; longitude: number }

export default function ReportPage() {
  const { t, locale } = useI18n();
  const { session, grant } = useSession();
  const queue = useFieldQueue();
  const categories = useQuery(CategoriesQuery, {}, !navigator.onLine);
  const mine = useQuery(MyReportsQuery, {}, !navigator.onLine);
  const [values, setValues, clearDraft] = useDraft<Record<string, string>>("field:report", {});
  const [urgent, setUrgent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [position, setPosition] = useState<Position | null>(null);
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoError, setPhotoError] = useState("");

  const known = categories.data?.caseCategories?.nodes;
  useEffect(() => {
    if (known?.length) localStorage.setItem(CATEGORIES_KEY, JSON.stringify(known));
  }, [known]);
  const choices = known ?? (JSON.parse(localStorage.getItem(CATEGORIES_KEY) ?? "[]") as { code: string; name: string }[]);

  const { refetch: refetchMine } = mine;
  useEffect(() => {
    if (queue.last?.sent.length) refetchMine();
  }, [queue.last, refetchMine]);

  function locate() {
    setLocating(true);
    setLocationError("");
    navigator.geolocation.getCurrentPosition(
      (found) => {
        setPosition({ latitude: found.coords.latitude, longitude: found.coords.longitude });
        setLocating(false);
      },
      (failure) => {
        setLocationError(t("report.locationFailed", { reason: failure.message }));
        setLocating(false);
      },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(FIELDS, values);
    setErrors(Object.fromEntries(Object.entries(problems).map(([name, p]) => [name, t(p.key, p.params)])));
    if (Object.keys(problems).length) return;
    const key = newIdempotencyKey();
    const result = await queue.submit({
      key, operation: REPORT_OPERATION, createdAt: Date.now(),
      variables: { input: {
        categoryCode: values.categoryCode ?? "", description: (values.description ?? "").trim(),
        jurisdictionCode: grant?.scope ?? "", source: "GRID_WORKER", address: (values.address ?? "").trim(),
        latitude: position?.latitude ?? null, longitude: position?.longitude ?? null, urgent,
      }, photos, photoScope: grant?.scope ?? "" },
    });
    setOutcome(outcomeOf(t, result, key));
    clearDraft();
    setUrgent(false);
    setPhotos([]);
  }

  function choosePhotos(files: FileList | null) {
    const chosen = [...(files ?? [])];
    const tooLarge = tooLargePhoto(chosen);
    setPhotoError(chosen.length > MAX_PHOTOS ? t("report.photosTooMany", { max: MAX_PHOTOS })
      : tooLarge ? t("report.photoTooLarge", { name: tooLarge.name }) : "");
    if (chosen.length <= MAX_PHOTOS && !tooLarge) setPhotos(chosen);
  }

  const set = (name: string) => (value: string) => setValues({ ...values, [name]: value });
  const reports = (mine.data?.cases?.nodes ?? []).filter((c) => c.reporter === session?.subject);
  return (
    <section className="field-page">
      <h1>{t("report.title")}</h1>
      <QueueStatus queue={queue} />
      <OutcomeNotice outcome={outcome} testId="report-outcome" />
      <form className="panel" onSubmit={(event) => void submit(event)} noValidate>
        <SelectField label={t("report.category")} name="categoryCode" value={values.categoryCode ?? ""}
          onChange={set("categoryCode")} error={errors.categoryCode} required
          choices={[{ value: "", label: "—" }, ...choices.map((c) => ({ value: c.code, label: c.name }))]} />
        <TextAreaField label={t("report.description")} name="description" value={values.description ?? ""}
          onChange={set("description")} error={errors.description} required />
        <TextField label={t("report.address")} name="address" value={values.address ?? ""} onChange={set("address")}
          error={errors.address} />
        <p>{t("report.grid")}: {grant?.scope}</p>
        <div className="field">
          <button type="button" className="button-secondary" onClick={locate} disabled={locating}>
            {locating ? t("report.locating") : t("report.locate")}
          </button>
          <span data-testid="position" role="status">
            {position ? t("report.located", { latitude: position.latitude.toFixed(5),
              longitude: position.longitude.toFixed(5) }) : locationError || t("report.noLocation")}
          </span>
        </div>
        <div className="field">
          <label htmlFor="report-photos">{t("report.photos")}</label>
          <input id="report-photos" name="photos" type="file" accept="image/jpeg,image/png,image/heic"
            capture="environment" multiple aria-invalid={photoError ? true : undefined}
            aria-describedby={photoError ? "report-photos-error" : undefined}
            onChange={(event) => choosePhotos(event.currentTarget.files)} />
          {photoError ? <span id="report-photos-error" className="field-error" data-field-error>{photoError}</span> : null}
          {photos.length ? (
            <p data-testid="photo-count">{t("report.photoCount", { count: photos.length })}</p>
          ) : null}
        </div>
        <CheckboxField label={t("report.urgent")} name="urgent" checked={urgent} onChange={setUrgent} />
        <button type="submit" className="button-wide">{t("report.submit")}</button>
      </form>
      <section className="panel" aria-labelledby="my-reports">
        <h2 id="my-reports">{t("report.mine")}</h2>
        <ul className="report-list">
          {reports.map((c) => (
            <li key={c.id} data-testid="my-report">
              <strong>{c.description}</strong>
              <span>{c.number} · {label(t, "caseState", c.state)} · {formatDateTime(c.reportedAt, locale)}</span>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
