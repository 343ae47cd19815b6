// The command centre's wall screen: dark, full screen, its jurisdiction's map and figures, asked again every 30 s.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { formatHeaderDate } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { metricOf } from "../map/choropleth";
import { GridMap } from "../map/GridMap";
import { CaseGridCounts, FireGridCounts, PollutionGridCounts } from "../map/gridCounts";
import { formatClock } from "./clock";
import { CaseCounts, GridRanking, OverdueList, Panel, Tile, total } from "./panels";
import { POLL_MS, usePoll } from "./usePoll";
import "./bigScreen.css";

const BigScreenCases = graphql(`
  query BigScreenCases($prefix: String!) {
    caseDashboard(jurisdictionPrefix: $prefix, overdueFirst: 6) {
      byState { state count }
      byDueStatus { dueStatus count }
      supervised
      overdue { id number description deadline jurisdictionCode }
      evaluation { reported closed closureRate onTimeClosureRate }
    }
  }
`);

const MAP_POINTS = { cases: true, firePlaces: false, pollutionSources: false };
const METRIC = metricOf("caseOpen");

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function FullScreenButton() {
  const { t } = useI18n();
  const [full, setFull] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const changed = () => setFull(document.fullscreenElement !== null);
    document.addEventListener("fullscreenchange", changed);
    return () => document.removeEventListener("fullscreenchange", changed);
  }, []);
  const toggle = () => {
    // A refusal (no user gesture, a kiosk policy) leaves the page as it is.
    const done = full ? document.exitFullscreen() : document.documentElement.requestFullscreen();
    done.catch(() => undefined);
  };
  return <button type="button" className="bs-button" onClick={toggle}>
    {t(full ? "bigScreen.exitFullScreen" : "bigScreen.fullScreen")}
  </button>;
}

export default function BigScreenPage() {
  const { t, locale } = useI18n();
  const { grant } = useSession();
  const scope = grant?.scope ?? "";
  const now = useNow();
  const [updated, setUpdated] = useState(() => new Date());
  const [names, setNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  const variables = { prefix: scope };
  const cases = useQuery(BigScreenCases, variables);
  const grids = useQuery(CaseGridCounts, variables);
  const fire = useQuery(FireGridCounts, variables);
  const pollution = useQuery(PollutionGridCounts, variables);
  usePoll(() => {
    for (const query of [cases, grids, fire, pollution]) query.refetch();
    setUpdated(new Date());
  });
  const fireRows = fire.data?.fireHazardGridCounts;
  const pollutionRows = pollution.data?.pollutionViolationGridCounts;
  return (
    <div className="big-screen">
      <header className="bs-header">
        <h1>{t("bigScreen.title")} <small>{t("bigScreen.scope", { scope })}</small></h1>
        <p className="bs-clock" aria-label={t("bigScreen.clock")}>
          <span>{formatHeaderDate(now, locale)}</span>{" "}
          <time dateTime={now.toISOString()} data-testid="bs-clock">{formatClock(now)}</time>
        </p>
        <div className="bs-actions">
          <FullScreenButton />
          <Link className="bs-button" to="/dashboard">{t("bigScreen.back")}</Link>
        </div>
      </header>
      <main className="bs-body">
        <div className="bs-column">
          <CaseCounts query={cases} />
          <Panel id="fire" title="bigScreen.fire" error={fire.error}>
            <ul className="bs-tiles">
              <Tile name={t("bigScreen.fireOpen")} value={total(fireRows, (r) => r.open)} tone="warn"
                testId="bs-fire-open" />
              <Tile name={t("bigScreen.fireOverdue")} value={total(fireRows, (r) => r.overdue)} tone="bad" />
            </ul>
          </Panel>
          <Panel id="pollution" title="bigScreen.pollution" error={pollution.error}>
            <ul className="bs-tiles">
              <Tile name={t("bigScreen.pollutionOpen")} value={total(pollutionRows, (r) => r.open)} tone="warn"
                testId="bs-pollution-open" />
              <Tile name={t("bigScreen.pollutionFound")} value={total(pollutionRows, (r) => r.found)} />
            </ul>
          </Panel>
        </div>
        <section className="bs-map" aria-labelledby="bs-map-title">
          <h2 id="bs-map-title">{t("bigScreen.map", { metric: t(METRIC.label) })}</h2>
          <GridMap scope={scope} metric={METRIC.id} points={MAP_POINTS} onGridNames={setNames}
            refreshEvery={POLL_MS} dark />
        </section>
        <div className="bs-column">
          <OverdueList query={cases} names={names} />
          <GridRanking rows={grids.data?.caseGridCounts} error={grids.error} names={names} />
        </div>
      </main>
      <footer className="bs-footer">{t("bigScreen.updated", { time: formatClock(updated) })}</footer>
    </div>
  );
}
