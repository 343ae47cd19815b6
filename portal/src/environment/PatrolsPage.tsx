// The patrols each grid head owed over a period, met and missed, by grid level; and the missed windows raised.
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { CheckboxField } from "../ui/Field";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Pager, useCursorPages } from "../ui/Pager";
import { EnvironmentNav } from "./EnvironmentNav";
import { frequencyLabel } from "./frequency";
import { totalsByLevel } from "./period";
import { PeriodForm, usePeriodQuery } from "./PeriodForm";

const PAGE_SIZE = 50;

const PatrolsDueQuery = graphql(`
  query PatrolsDue($start: String!, $end: String!, $code: String!, $onlyLacking: Boolean!, $first: Int!,
      $after: String) {
    patrolsDue(start: $start, end: $end, jurisdictionCode: $code, onlyLacking: $onlyLacking, first: $first,
        after: $after) {
      totalCount
      nodes {
        gridHead { subjectId name level jurisdictionCode }
        frequency { times unit }
        due missed complianceRate
        windows { start end required done status }
      }
      pageInfo { hasNextPage endCursor }
    }
    missedPatrols(jurisdictionCode: $code, kind: PATROL, first: 20) {
      nodes { id name jurisdictionCode level windowStart windowEnd required done raisedAt }
    }
  }
`);

export default function PatrolsPage() {
  const { t, locale } = useI18n();
  const [query, setQuery] = usePeriodQuery(["lacking"]);
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(PatrolsDueQuery, { start: query.start, end: query.end,
    code: query.code, onlyLacking: query.extra.lacking === "1", first: PAGE_SIZE, after: pages.after });
  const connection = data?.patrolsDue;
  const missed = data?.missedPatrols?.nodes ?? [];
  const levelName = (level: number) => label(t, "envLevel", String(level));
  return (
    <section aria-busy={loading}>
      <h1>{t("nav.environment")}</h1>
      <EnvironmentNav />
      <h2>{t("env.patrols")}</h2>
      <PeriodForm label={t("env.patrols")} query={query} onSubmit={(next) => { pages.reset(); setQuery(next); }}
        extra={(draft, set) => (
          <CheckboxField label={t("env.onlyLacking")} name="lacking" checked={draft.lacking === "1"}
            onChange={(checked) => set("lacking", checked ? "1" : "")} />
        )} />
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("env.noPatrols")}</p> : (
          <>
            <h3>{t("env.byLevel")}</h3>
            <ul className="kpis">
              {totalsByLevel(connection.nodes).map((total) => (
                <li key={total.level} className="kpi" data-testid="level-total">
                  <span className="kpi-label">{levelName(total.level)}</span>
                  <span>{t("env.levelSummary", { heads: total.heads, windows: total.windows,
                    missed: total.missed })}</span>
                </li>
              ))}
            </ul>
            <table>
              <caption className="visually-hidden">{t("env.patrols")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("env.gridHead")}</th><th scope="col">{t("env.level")}</th>
                  <th scope="col">{t("env.grid")}</th><th scope="col">{t("env.frequency")}</th>
                  <th scope="col">{t("env.windows")}</th><th scope="col">{t("env.due")}</th>
                  <th scope="col">{t("env.missed")}</th><th scope="col">{t("env.compliance")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((row) => (
                  <tr key={row.gridHead.subjectId} data-testid="patrol-row"
                    data-jurisdiction={row.gridHead.jurisdictionCode}>
                    <td>{row.gridHead.name}</td>
                    <td>{levelName(row.gridHead.level)}</td>
                    <td>{row.gridHead.jurisdictionCode}</td>
                    <td>{frequencyLabel(t, row.frequency)}</td>
                    <td>
                      <ul className="chips">
                        {row.windows.map((window) => (
                          <li key={window.start} className={`light light-window-${window.status}`}>
                            {label(t, "envWindow", window.status)} {t("env.window", { start: window.start,
                              end: window.end, done: window.done, required: window.required })}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>{row.due}</td>
                    <td>{row.missed}</td>
                    <td>{formatRate(row.complianceRate, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pages={pages} count={connection.nodes.length} pageInfo={connection.pageInfo} />
          </>
        )
      ) : null}
      <h2>{t("env.missedList")}</h2>
      {missed.length === 0 ? <p>{t("env.noMissed")}</p> : (
        <table>
          <caption className="visually-hidden">{t("env.missedList")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("env.gridHead")}</th><th scope="col">{t("env.level")}</th>
              <th scope="col">{t("env.grid")}</th><th scope="col">{t("env.windows")}</th>
              <th scope="col">{t("env.done")}</th><th scope="col">{t("env.raisedAt")}</th>
            </tr>
          </thead>
          <tbody>
            {missed.map((row) => (
              <tr key={row.id} data-testid="missed-row" data-jurisdiction={row.jurisdictionCode}>
                <td>{row.name}</td>
                <td>{levelName(row.level)}</td>
                <td>{row.jurisdictionCode}</td>
                <td>{row.windowStart} – {row.windowEnd}</td>
                <td>{row.done}/{row.required}</td>
                <td>{formatDateTime(row.raisedAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
