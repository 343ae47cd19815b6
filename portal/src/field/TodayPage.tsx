// The grid worker's today's work on the phone: what is due in its own grid, each list as its service answers it,
// each kept for when the phone is offline. Deadlines and countdowns are the API's; the page only sorts by them.
import { useEffect, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { useSession } from "../auth/session";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Countdown } from "../ui/Countdown";
import { DueLight } from "../ui/DueLight";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Notice } from "../ui/Notice";
import { storageKey, useLastKnown, useOnline, type LastKnown } from "./lastKnown";
import { placesWaiting } from "./fireInspection";
import { QueueStatus } from "./QueueStatus";
import { householdsWaiting } from "./recordVisit";
import { byDeadline } from "./todayOrder";
import {
  FireDueTodayQuery, FireHazardsTodayQuery, HouseholdsToContactQuery, MyCasesTodayQuery, ViolationsTodayQuery,
} from "./todayQueries";
import { useFieldQueue } from "./useFieldQueue";

export default function TodayPage() {
  const { t, locale } = useI18n();
  const { session, grant } = useSession();
  const online = useOnline();
  // Writes queued offline are sent from here too when the connection returns.
  const queue = useFieldQueue();
  const visitsWaiting = householdsWaiting(queue.waiting);
  const inspectionsWaiting = placesWaiting(queue.waiting);
  const grid = grant?.scope ?? "";
  const subject = session?.subject ?? "";
  const variables = { grid };
  const skip = grid === "";
  const keyOf = (name: string) => storageKey(name, subject, grid);
  const households = useLastKnown(keyOf("households"), HouseholdsToContactQuery, variables, online, skip);
  const fireDue = useLastKnown(keyOf("fireDue"), FireDueTodayQuery, variables, online, skip);
  const hazards = useLastKnown(keyOf("fireHazards"), FireHazardsTodayQuery, variables, online, skip);
  const violations = useLastKnown(keyOf("violations"), ViolationsTodayQuery, variables, online, skip);
  const cases = useLastKnown(keyOf("cases"), MyCasesTodayQuery, variables, online, skip);
  // What the queue just sent changes the lists it came from: a visit, an inspection, a report.
  const { refetch: refetchHouseholds } = households;
  const { refetch: refetchFireDue } = fireDue;
  const { refetch: refetchCases } = cases;
  useEffect(() => {
    if (!queue.last?.sent.length) return;
    refetchHouseholds();
    refetchFireDue();
    refetchCases();
  }, [queue.last, refetchHouseholds, refetchFireDue, refetchCases]);
  // The record pages are fetched now, while online, so a visit or an inspection opens from here offline.
  useEffect(() => {
    void import("./VisitPage");
    void import("./FireInspectPage");
  }, []);

  return (
    <section className="field-page today-page">
      <h1>{t("today.title")}</h1>
      <p data-testid="today-grid">{t("report.grid")}: {grid}</p>
      {online ? null : <div data-testid="today-offline"><Notice kind="warning">{t("today.offline")}</Notice></div>}
      {queue.pending > 0 || queue.refused.length > 0 || queue.syncing ? <QueueStatus queue={queue} /> : null}
      <nav aria-label={t("today.sections")}>
        <ul className="today-jump">
          <li><a href="#today-cases">{t("today.cases")}</a></li>
          <li><a href="#today-households">{t("today.households")}</a></li>
          <li><a href="#today-fire-due">{t("today.fireDue")}</a></li>
          <li><a href="#today-hazards">{t("today.hazards")}</a></li>
          <li><a href="#today-violations">{t("today.violations")}</a></li>
        </ul>
      </nav>
      <TodaySection id="today-cases" title={t("today.cases")} state={cases}
        empty={t("today.noCases")} note={t("today.casesNote")}>
        {(data) => byDeadline((data.cases?.nodes ?? []).filter((c) => c.reporter === subject), (c) => c.deadline ?? c.acceptBy)
          .map((c) => (
            <li key={c.id} data-testid="today-case" data-jurisdiction={c.jurisdictionCode}>
              <Link to={`/cases/${c.id}`}><strong>{c.description}</strong></Link>
              <span>{c.number} · {label(t, "caseState", c.state)} · <DueLight status={c.dueStatus} /></span>
              <Deadline by={c.deadline ?? c.acceptBy} label={c.deadline ? t("today.deadline") : t("today.acceptBy")} />
            </li>
          ))}
      </TodaySection>
      <TodaySection id="today-households" title={t("today.households")} state={households}
        empty={t("today.noHouseholds")} note={t("today.householdsNote")}>
        {(data) => [...(data.closeContact?.nodes ?? []), ...(data.attention?.nodes ?? [])]
          .map((h) => ({ ...h, lastVisit: h.visits.nodes[0]?.visitedAt }))
          // No visit deadline in the registry: close contact first, then the longest unvisited.
          .sort((a, b) => (a.careLevel === b.careLevel ? (a.lastVisit ?? "").localeCompare(b.lastVisit ?? "")
            : a.careLevel === "CLOSE_CONTACT" ? -1 : 1))
          .map((h) => (
            <li key={h.id} data-testid="today-household" data-jurisdiction={h.jurisdictionCode}>
              <Link to={`/registry/households/${h.id}`}><strong>{h.headName} · {h.address}</strong></Link>
              <span>{label(t, "careLevel", h.careLevel)}{h.careReason ? ` · ${h.careReason}` : ""}</span>
              <span>{t("today.lastVisit")}: {formatDateTime(h.lastVisit, locale) || t("today.neverVisited")}</span>
              {visitsWaiting.has(h.id) ? <span data-testid="record-waiting">{t("today.recordWaiting")}</span> : null}
              <Link className="button-secondary" to={`/field/visit/${h.id}`} data-testid="record-visit">{t("today.visit")}</Link>
            </li>
          ))}
      </TodaySection>
      <TodaySection id="today-fire-due" title={t("today.fireDue")} state={fireDue} empty={t("today.noFireDue")}>
        {(data) => {
          const overdue = new Set((data.overdue?.nodes ?? []).map((p) => p.id));
          return [...(data.due?.nodes ?? [])].sort((a, b) => a.nextDueOn.localeCompare(b.nextDueOn)).map((p) => (
            <li key={p.id} data-testid="today-fire-place" data-jurisdiction={p.jurisdictionCode}>
              <Link to={`/fire/places/${p.id}`}><strong>{p.name}</strong></Link>
              <span>{label(t, "firePlaceType", p.type)} · {p.address}</span>
              <span>
                {t("today.inspectBy")}: {p.nextDueOn}{" "}
                {overdue.has(p.id) ? <span className="light light-OVERDUE">{label(t, "fireDueStatus", "OVERDUE")}</span> : null}
              </span>
              {inspectionsWaiting.has(p.id) ? <span data-testid="record-waiting">{t("today.recordWaiting")}</span>
                : <Link className="button-secondary" to={`/field/fire/${p.id}`} data-testid="record-inspection">{t("today.inspect")}</Link>}
            </li>
          ));
        }}
      </TodaySection>
      <TodaySection id="today-hazards" title={t("today.hazards")} state={hazards} empty={t("today.noHazards")}>
        {(data) => byDeadline(data.fireHazards?.nodes ?? [], (h) => h.rectifyBy).map((h) => (
          <li key={h.id} data-testid="today-hazard" data-jurisdiction={h.jurisdictionCode}>
            <Link to={`/fire/hazards/${h.id}`}><strong>{h.placeName}</strong></Link>
            <span>{label(t, "fireHazardState", h.state)} · {h.address}</span>
            <span><Deadline by={h.rectifyBy} label={t("today.rectifyBy")} /> <Countdown days={h.rectifyWorkingDaysLeft} /></span>
          </li>
        ))}
      </TodaySection>
      <TodaySection id="today-violations" title={t("today.violations")} state={violations} empty={t("today.noViolations")}>
        {(data) => byDeadline(data.pollutionViolations?.nodes ?? [], (v) => v.deadline).map((v) => (
          <li key={v.id} data-testid="today-violation" data-jurisdiction={v.jurisdictionCode}>
            <Link to={`/environment/violations/${v.id}`}><strong>{v.description || v.violationType}</strong></Link>
            <span><Deadline by={v.deadline} label={t("today.deadline")} /> <Countdown days={v.workingDaysLeft} /></span>
          </li>
        ))}
      </TodaySection>
    </section>
  );
}

function Deadline({ by, label: text }: { by: string | null | undefined; label: string }) {
  const { t, locale } = useI18n();
  return <span>{text}: {formatDateTime(by, locale) || t("today.noDeadline")}</span>;
}

/** One list of the page: its rows, when it was last updated, and plainly when its service did not answer. */
function TodaySection<R>({ id, title, state, empty, note, children }: {
  id: string; title: string; state: LastKnown<R>; empty: string; note?: string;
  children: (data: R) => ReactNode[];
}) {
  const { t, locale } = useI18n();
  const rows = state.data === undefined ? null : children(state.data);
  return (
    <section className="panel today-section" aria-labelledby={`${id}-title`} aria-busy={state.loading}
      data-testid={id}>
      <h2 id={`${id}-title`} tabIndex={-1}>{title}{rows ? ` (${rows.length})` : ""}</h2>
      {note ? <p className="today-note">{note}</p> : null}
      {state.error ? (
        <div data-testid="section-error">
          <ErrorPanel error={state.error} retry={state.refetch} />
          <p>{t("today.serviceDown")}</p>
        </div>
      ) : null}
      {state.updatedAt ? (
        <p className="today-updated" data-testid="last-updated">
          {t(state.stale ? "today.lastKnown" : "today.updated", { at: formatDateTime(state.updatedAt, locale) })}
        </p>
      ) : null}
      {rows === null ? (state.loading ? <p role="status">{t("app.loading")}</p> : null)
        : rows.length === 0 ? <p>{empty}</p> : <ul className="report-list">{rows}</ul>}
    </section>
  );
}
