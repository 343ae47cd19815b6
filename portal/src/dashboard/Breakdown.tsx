// The dashboard's breakdown of a jurisdiction for a period: the daily trend, the most reported categories and the
// jurisdictions below with a link down into each. Its own query, so the rest of the dashboard works when it fails.
import { Link } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { Chart } from "../charts/Chart";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import type { Period } from "../map/period";
import { ErrorPanel } from "../ui/ErrorPanel";
import { drillPath, PlaceName } from "./PlaceName";
import { canDrill, categorySpec, trendSpec } from "./drill";

const BreakdownQuery = graphql(`
  query DashboardBreakdown($prefix: String!, $periodStart: DateTime!, $periodEnd: DateTime!) {
    caseBreakdown(jurisdictionPrefix: $prefix, periodStart: $periodStart, periodEnd: $periodEnd) {
      jurisdictionCode
      children { jurisdictionCode open dueSoon overdue reported }
      categories { categoryCode reported }
      days { day reported closed }
    }
  }
`);

const CategoryNamesQuery = graphql(`
  query DashboardCategoryNames { caseCategories(first: 200) { nodes { code name } } }
`);

interface BreakdownProps {
  code: string;
  period: Period;
  periodId: string;
  periodName: string;
}

export function Breakdown({ code, period, periodId, periodName }: BreakdownProps) {
  const { t } = useI18n();
  const { data, error, loading, refetch } = useQuery(BreakdownQuery, { prefix: code, ...period });
  const names = useQuery(CategoryNamesQuery, {});
  const nameOf = (category: string) =>
    names.data?.caseCategories?.nodes.find((c) => c.code === category)?.name ?? category;
  const breakdown = data?.caseBreakdown;
  if (error) {
    return (
      <div className="panel" data-testid="breakdown">
        <h2>{t("dashboard.breakdownFailed")}</h2>
        <ErrorPanel error={error} retry={refetch} />
      </div>
    );
  }
  if (!breakdown) return <div className="panel" aria-busy={loading} data-testid="breakdown" />;
  const trend = trendSpec(breakdown.days, { reported: t("dashboard.reportedPerDay"),
    closed: t("dashboard.closedPerDay") });
  const categories = categorySpec(breakdown.categories, nameOf, t("dashboard.reportedPerDay"));
  return (
    <div data-testid="breakdown">
      <div className="dashboard-charts">
        <div className="panel">
          <h2>{t("dashboard.trend")}</h2>
          <Chart spec={trend} label={t("dashboard.trendChart", { period: periodName })} testId="trend-chart" />
          <details>
            <summary>{t("dashboard.asTable")}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.day")}</th><th scope="col">{t("dashboard.reportedPerDay")}</th>
                  <th scope="col">{t("dashboard.closedPerDay")}</th>
                </tr>
              </thead>
              <tbody>
                {breakdown.days.map((d) => (
                  <tr key={d.day}><td>{d.day}</td><td>{d.reported}</td><td>{d.closed}</td></tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
        <div className="panel">
          <h2>{t("dashboard.byCategory")}</h2>
          {breakdown.categories.length === 0 ? <p>{t("app.none")}</p> : (
            <>
              <Chart spec={categories} label={t("dashboard.categoryChart", { period: periodName })}
                testId="category-chart" />
              <details>
                <summary>{t("dashboard.asTable")}</summary>
                <table>
                  <thead>
                    <tr><th scope="col">{t("dashboard.category")}</th>
                      <th scope="col">{t("dashboard.reportedPerDay")}</th></tr>
                  </thead>
                  <tbody>
                    {breakdown.categories.map((c) => (
                      <tr key={c.categoryCode} data-testid="category-row">
                        <td><Link to={`/cases?categoryCode=${c.categoryCode}&jurisdictionPrefix=${code}`}>
                          {nameOf(c.categoryCode)}</Link></td>
                        <td>{c.reported}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          )}
        </div>
      </div>
      <div className="panel">
        <h2>{t("dashboard.byChild")}</h2>
        {!canDrill(code) ? <p>{t("dashboard.noChildren")}</p> : breakdown.children.length === 0
          ? <p>{t("app.none")}</p> : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.child")}</th><th scope="col">{t("dashboard.open")}</th>
                  <th scope="col">{t("dashboard.dueSoon")}</th><th scope="col">{t("dashboard.overdue")}</th>
                  <th scope="col">{t("dashboard.reportedInPeriod")}</th><th scope="col">{t("dashboard.childCases")}</th>
                </tr>
              </thead>
              <tbody>
                {breakdown.children.map((c) => (
                  <tr key={c.jurisdictionCode} data-testid="child-row" data-jurisdiction={c.jurisdictionCode}>
                    <td><Link to={drillPath(c.jurisdictionCode, periodId)}><PlaceName code={c.jurisdictionCode} />
                    </Link></td>
                    <td>{c.open}</td><td>{c.dueSoon}</td><td>{c.overdue}</td><td>{c.reported}</td>
                    <td><Link to={`/cases?jurisdictionPrefix=${c.jurisdictionCode}`}>{t("dashboard.childCases")}
                    </Link></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </div>
    </div>
  );
}
