// The big screen's panels beside the map: the case counts, the overdue list, the grid ranking, fire and pollution.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { errorMessage } from "../api/errors";
import type { QueryState } from "../api/hooks";
import { openCount } from "../dashboard/counts";
import type { BigScreenCasesQuery } from "../gql/graphql";
import { formatDateTime, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/zh-CN";
import { Notice } from "../ui/Notice";

export function Panel({ id, title, error, children }: {
  id: string; title: MessageKey; error?: unknown; children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="bs-panel" aria-labelledby={`bs-${id}`} data-testid={`panel-${id}`}>
      <h2 id={`bs-${id}`}>{t(title)}</h2>
      {error ? <Notice kind="error">{t("bigScreen.unavailable", { panel: t(title),
        reason: errorMessage(error, t) })}</Notice> : null}
      {children}
    </section>
  );
}

export function Tile({ name, value, tone, testId }: {
  name: string; value: number | string | undefined; tone?: "warn" | "bad"; testId?: string;
}) {
  return (
    <li className={tone ? `bs-tile bs-tile-${tone}` : "bs-tile"} data-testid={testId}>
      <span className="bs-tile-value">{value ?? "–"}</span>
      <span className="bs-tile-name">{name}</span>
    </li>
  );
}

type Dashboard = NonNullable<BigScreenCasesQuery["caseDashboard"]>;

export function CaseCounts({ query }: { query: QueryState<BigScreenCasesQuery> }) {
  const { t, locale } = useI18n();
  const dashboard: Dashboard | null | undefined = query.data?.caseDashboard;
  const due = (status: string) => dashboard?.byDueStatus.find((d) => d.dueStatus === status)?.count ?? 0;
  const evaluation = dashboard?.evaluation;
  return (
    <Panel id="cases" title="bigScreen.cases" error={query.error}>
      {dashboard ? (
        <ul className="bs-tiles">
          <Tile name={t("bigScreen.open")} value={openCount(dashboard.byState)} testId="bs-open" />
          <Tile name={t("bigScreen.dueSoon")} value={due("DUE_SOON")} tone="warn" />
          <Tile name={t("bigScreen.overdue")} value={due("OVERDUE")} tone="bad" testId="bs-overdue" />
          <Tile name={t("bigScreen.supervised")} value={dashboard.supervised} />
          <Tile name={t("bigScreen.reported")} value={evaluation?.reported} />
          <Tile name={t("bigScreen.closed")} value={evaluation?.closed} />
          <Tile name={t("bigScreen.closureRate")}
            value={evaluation ? formatRate(evaluation.closureRate, locale) : undefined} />
          <Tile name={t("bigScreen.onTimeRate")}
            value={evaluation ? formatRate(evaluation.onTimeClosureRate, locale) : undefined} />
        </ul>
      ) : null}
    </Panel>
  );
}

export function OverdueList({ query, names }: {
  query: QueryState<BigScreenCasesQuery>; names: ReadonlyMap<string, string>;
}) {
  const { t, locale } = useI18n();
  const overdue = query.data?.caseDashboard?.overdue;
  return (
    <Panel id="overdue" title="bigScreen.overdueList" error={query.error}>
      {overdue && overdue.length === 0 ? <p>{t("bigScreen.noOverdue")}</p> : null}
      {overdue && overdue.length > 0 ? (
        <ol className="bs-overdue" data-testid="bs-overdue-list">
          {overdue.map((c) => (
            <li key={c.id}>
              <Link to={`/cases/${encodeURIComponent(c.id)}`}>{c.number}</Link>
              <span className="bs-overdue-text">{c.description}</span>
              <span className="bs-overdue-meta">
                {names.get(c.jurisdictionCode) ?? c.jurisdictionCode} · {formatDateTime(c.deadline, locale)}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </Panel>
  );
}

export interface GridRow {
  jurisdictionCode: string;
  open: number;
  overdue: number;
}

/** The grids with the most open cases, most first (overdue breaks ties), at most ``first``. */
export function rankGrids(rows: readonly GridRow[], first: number): GridRow[] {
  return rows.filter((r) => r.open > 0)
    .sort((a, b) => b.open - a.open || b.overdue - a.overdue || a.jurisdictionCode.localeCompare(b.jurisdictionCode))
    .slice(0, first);
}

export function GridRanking({ rows, error, names, first = 8 }: {
  rows: readonly GridRow[] | null | undefined; error: unknown; names: ReadonlyMap<string, string>; first?: number;
}) {
  const { t } = useI18n();
  const ranked = rows ? rankGrids(rows, first) : null;
  const top = ranked?.[0]?.open ?? 1;
  return (
    <Panel id="ranking" title="bigScreen.ranking" error={error}>
      {ranked && ranked.length === 0 ? <p>{t("bigScreen.noRanking")}</p> : null}
      {ranked && ranked.length > 0 ? (
        <ol className="bs-ranking" data-testid="bs-ranking">
          {ranked.map((row) => {
            const name = names.get(row.jurisdictionCode) ?? row.jurisdictionCode;
            return (
              <li key={row.jurisdictionCode} data-code={row.jurisdictionCode}>
                <span className="bs-ranking-label">
                  {t("bigScreen.rankingRow", { name, open: row.open, overdue: row.overdue })}
                </span>
                <span className="bs-bar" aria-hidden="true">
                  <span className="bs-bar-fill" style={{ width: `${(100 * row.open) / top}%` }} />
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </Panel>
  );
}

/** The sum of a field over every grid's row. */
export function total<R>(rows: readonly R[] | null | undefined, field: (row: R) => number): number | undefined {
  return rows ? rows.reduce((sum, row) => sum + field(row), 0) : undefined;
}
