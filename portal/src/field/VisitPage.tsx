// A grid worker records a visit to a household of today's list on the phone, offline or not: kept in the phone's
// queue and sent once, at the time it was recorded.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useSession } from "../auth/session";
import { validate, type FormField } from "../cases/actionForms";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { TextAreaField } from "../ui/Field";
import { useDraft } from "../ui/useDraft";
import { storageKey, useLastKnown, useOnline } from "./lastKnown";
import { newIdempotencyKey } from "./offlineQueue";
import { OutcomeNotice, outcomeOf, QueueStatus, type Outcome } from "./QueueStatus";
import { VISIT_OPERATION } from "./recordVisit";
import { HouseholdsToContactQuery } from "./todayQueries";
import { useFieldQueue } from "./useFieldQueue";

const FIELDS: readonly FormField[] = [
  { name: "notes", label: "visit.notes", kind: "textarea", required: true, max: 10000 },
];

export default function VisitPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const { session, grant } = useSession();
  const online = useOnline();
  const queue = useFieldQueue();
  const grid = grant?.scope ?? "";
  const today = useLastKnown(storageKey("households", session?.subject ?? "", grid), HouseholdsToContactQuery,
    { grid }, online, grid === "");
  const household = [...(today.data?.closeContact?.nodes ?? []), ...(today.data?.attention?.nodes ?? [])]
    .find((h) => h.id === id);
  const [values, setValues, clearDraft] = useDraft<Record<string, string>>(`field:visit:${id}`, {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(FIELDS, values);
    setErrors(Object.fromEntries(Object.entries(problems).map(([name, p]) => [name, t(p.key, p.params)])));
    if (Object.keys(problems).length) return;
    const key = newIdempotencyKey();
    const summary = household ? `${household.headName} · ${household.address}` : id;
    const result = await queue.submit({
      key, operation: VISIT_OPERATION, createdAt: Date.now(),
      variables: { input: { householdId: id, notes: (values.notes ?? "").trim(), visitedAt: new Date().toISOString() },
        summary },
    });
    setOutcome(outcomeOf(t, result, key));
    clearDraft();
  }

  return (
    <section className="field-page">
      <h1>{t("visit.title")}</h1>
      <QueueStatus queue={queue} />
      <OutcomeNotice outcome={outcome} />
      <form className="panel" onSubmit={(event) => void submit(event)} noValidate>
        <p data-testid="visit-household">
          {t("visit.household")}:{" "}
          {household ? <strong>{household.headName} · {household.address} · {label(t, "careLevel", household.careLevel)}</strong>
            : t("visit.notKnown", { id })}
        </p>
        <TextAreaField label={t("visit.notes")} name="notes" value={values.notes ?? ""} required
          onChange={(notes) => setValues({ ...values, notes })} error={errors.notes} />
        <p className="today-note">{t("record.offlineNote")}</p>
        <button type="submit" className="button-wide">{t("visit.submit")}</button>
      </form>
      <p><Link to="/field/today">{t("record.backToday")}</Link></p>
    </section>
  );
}
