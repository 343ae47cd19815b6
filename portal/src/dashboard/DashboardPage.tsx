// A command centre's home: its jurisdiction's counts, the month's rates with their formulas, the overdue list.
import { Link } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { formatDateTime, formatRate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { DueLight } from "../ui/DueLight";
import { ErrorPanel } from "../ui/ErrorPanel";
import { openCount } from "./counts";

const DashboardQuery = graphql(`
  query Dashboard($prefix: String!) {
    caseDashboard(jurisdictionPrefix: $prefix, overdueFirst: 10) {
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
  const { data, error, loading, refetch } = useQuery(DashboardQuery, { prefix: scope });
  const dashboard = data?.caseDashboard;
  const due = (status: string) => dashboard?.byDueStatus.find((d) => d.dueStatus === status)?.count ?? 0;
  const evaluation = dashboard?.evaluation;
  return (
    <section aria-busy={loading}>
      <h1>{t("dashboard.title")} <small>{t("dashboard.jurisdiction", { scope })}</small></h1>
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
            <h2>{t("dashboard.month")}</h2>
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
          <div className="panel">
            <h2>{t("dashboard.byState")}</h2>
            <table>
              <thead><tr><th scope="col">{t("cases.state")}</th><th scope="col">#</th></tr></thead>
              <tbody>
                {dashboard.byState.map((s) => (
                  <tr key={s.state}>
                    <td><Link to={`/cases?state=${s.state}`}>{label(t, "caseState", s.state)}</Link></td>
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
