// A command centre's home: its jurisdiction's counts, the period's rates with their formulas, the trend, the
// breakdown by category and by the jurisdictions below (drilling district → street → community → grid), and the
// overdue list.
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { formatDateTime, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { DueLight } from "../ui/DueLight";
import { ErrorPanel } from "../ui/ErrorPanel";
import { PERIODS, periodIdOf, periodOf } from "../map/period";
import { Breakdown } from "./Breakdown";
import { openCount } from "./counts";
import { breadcrumb, shownJurisdiction } from "./drill";
import { drillPath, PlaceName } from "./PlaceName";

const DashboardQuery = graphql(`
  query Dashboard($prefix: String!, $periodStart: DateTime!, $periodEnd: DateTime!) {
    caseDashboard(jurisdictionPrefix: $prefix, overdueFirst: 10, periodStart: $periodStart, periodEnd: $periodEnd) {
      byState { state count }
      byDueStatus { dueStatus count }
      supervised
      overdue { id number description deadline dueStatus jurisdictionCode }
      evaluation {
        reported registered dispatched handled closed closedOnTime dueToClose closureRate onTimeClosureRate
      }
    }
  }
`);

export default function DashboardPage() {
  const { t, locale } = useI18n();
  const { grant } = useSession();
  const scope = grant?.scope ?? "";
  const [params, setParams] = useSearchParams();
  const shown = shownJurisdiction(scope, params.get("under"));
  const periodId = periodIdOf(params.get("period"));
  const period = periodOf(periodId, new Date());
  const periodName = t(PERIODS.find((p) => p.id === periodId)?.label ?? "map.period.thisMonth");
  const { data, error, loading, refetch } = useQuery(DashboardQuery, { prefix: shown, ...period });
  const choosePeriod = (id: string) => {
    const next = new URLSearchParams(params);
    next.set("period", id);
    setParams(next);
  };
  const dashboard = data?.caseDashboard;
  const due = (status: string) => dashboard?.byDueStatus.find((d) => d.dueStatus === status)?.count ?? 0;
  const evaluation = dashboard?.evaluation;
  return (
    <section aria-busy={loading}>
      <h1>{t("dashboard.title")} <small>{t("dashboard.jurisdiction", { scope: shown })}</small></h1>
      <nav aria-label={t("dashboard.breadcrumb")} className="breadcrumb">
        <ol>
          {breadcrumb(scope, shown).map((code) => (
            <li key={code}>
              {code === shown ? <span aria-current="page"><PlaceName code={code} /></span> : (
                <Link to={drillPath(code, periodId)}><PlaceName code={code} /></Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <label className="inline-field">
        {t("dashboard.period")}{" "}
        <select value={periodId} onChange={(event) => choosePeriod(event.target.value)} data-testid="dashboard-period">
          {PERIODS.map((p) => <option key={p.id} value={p.id}>{t(p.label)}</option>)}
        </select>
      </label>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {dashboard ? (
        <>
          <ul className="kpis" aria-label={t("dashboard.title")}>
            <Kpi name={t("caseState.REPORTED")} value={dashboard.byState.find((s) => s.state === "REPORTED")?.count ?? 0}
              testId="kpi-reported" />
            <Kpi name={t("dashboard.open")} value={openCount(dashboard.byState)} testId="kpi-open" />
            <Kpi name={t("dashboard.dueSoon")} value={due("DUE_SOON")} testId="kpi-due-soon" />
            <Kpi name={t("dashboard.overdue")} value={due("OVERDUE")} testId="kpi-overdue" />
            <Kpi name={t("dashboard.supervised")} value={dashboard.supervised} testId="kpi-supervised" />
          </ul>
          <div className="panel">
            <h2>{t("dashboard.month")} <small>{periodName}</small></h2>
            {evaluation ? (
              <>
                <ul className="kpis">
                  <Kpi name={t("dashboard.reported")} value={evaluation.reported} />
                  <Kpi name={t("dashboard.registered")} value={evaluation.registered} />
                  <Kpi name={t("dashboard.dispatched")} value={evaluation.dispatched} />
                  <Kpi name={t("dashboard.handled")} value={evaluation.handled} />
                  <Kpi name={t("dashboard.closed")} value={evaluation.closed} />
                  <Kpi name={t("dashboard.closureRate")} value={formatRate(evaluation.closureRate, locale)} />
                  <Kpi name={t("dashboard.onTimeClosureRate")}
                    value={formatRate(evaluation.onTimeClosureRate, locale)} />
                </ul>
                <details>
                  <summary>{t("dashboard.showFormula")}</summary>
                  <p>{t("dashboard.closureFormula", { closed: evaluation.closed, due: evaluation.dueToClose })}</p>
                  <p>{t("dashboard.onTimeFormula", { onTime: evaluation.closedOnTime, due: evaluation.dueToClose })}</p>
                </details>
              </>
            ) : <p>{t("dashboard.noEvaluation")}</p>}
          </div>
          <Breakdown code={shown} period={period} periodId={periodId} periodName={periodName} />
          <div className="panel">
            <h2>{t("dashboard.byState")}</h2>
            <table>
              <thead><tr><th scope="col">{t("cases.state")}</th><th scope="col">#</th></tr></thead>
              <tbody>
                {dashboard.byState.map((s) => (
                  <tr key={s.state}>
                    <td><Link to={`/cases?state=${s.state}&jurisdictionPrefix=${shown}`}>{label(t, "caseState", s.state)}</Link></td>
                    <td>{s.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="panel">
            <h2>{t("dashboard.overdueList")}</h2>
            {dashboard.overdue.length === 0 ? <p>{t("app.none")}</p> : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("cases.number")}</th><th scope="col">{t("cases.description")}</th>
                    <th scope="col">{t("cases.deadline")}</th><th scope="col">{t("cases.light")}</th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.overdue.map((c) => (
                    <tr key={c.id}>
                      <td><Link to={`/cases/${c.id}`}>{c.number}</Link></td>
                      <td>{c.description}</td>
                      <td>{formatDateTime(c.deadline, locale)}</td>
                      <td><DueLight status={c.dueStatus} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      ) : null}
    </section>
  );
}

function Kpi({ name, value, testId }: { name: string; value: number | string; testId?: string }) {
  return (
    <li className="kpi" data-testid={testId}>
      <span className="kpi-label">{name}</span>
      <span className="kpi-value">{value}</span>
    </li>
  );
}

