// Evaluation (考核评价): the viewer's own jurisdiction's figures for a period, and for the district its ranking of
// streets or handling units with the score's formula and an export for the district's spreadsheet.
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useApi, useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { download } from "../ui/download";
import { graphql } from "../gql";
import type { CaseFileFormat, CaseRankingDimension } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { PERIODS, periodIdOf, periodOf } from "../map/period";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Notice } from "../ui/Notice";

const FiguresQuery = graphql(`
  query EvaluationFigures($key: String!, $start: DateTime!, $end: DateTime!) {
    caseEvaluation(subject: JURISDICTION, key: $key, periodStart: $start, periodEnd: $end) {
      key reported closed closureRate onTimeClosureRate onTimeHandlingRate reworkRate satisfactionRate
      meanHandlingHours
    }
  }
`);

const RankingQuery = graphql(`
  query EvaluationRanking($dimension: CaseRankingDimension!, $start: DateTime!, $end: DateTime!) {
    caseRanking(dimension: $dimension, periodStart: $start, periodEnd: $end, first: 200) {
      nodes {
        rank score
        evaluation { key reported closed closureRate onTimeClosureRate reworkRate satisfactionRate meanHandlingHours }
      }
    }
  }
`);

const ExportQuery = graphql(`
  query EvaluationExport($dimension: CaseRankingDimension!, $start: DateTime!, $end: DateTime!,
                         $format: CaseFileFormat!) {
    caseRankingExport(dimension: $dimension, periodStart: $start, periodEnd: $end, format: $format) {
      fileName contentType contentBase64
    }
  }
`);

const DIMENSIONS: CaseRankingDimension[] = ["STREET" as CaseRankingDimension, "UNIT" as CaseRankingDimension];

function Figure({ name, value }: { name: string; value: number | string }) {
  return (
    <li className="kpi">
      <span className="kpi-label">{name}</span>
      <span className="kpi-value">{value}</span>
    </li>
  );
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export default function EvaluationPage() {
  const { t } = useI18n();
  const api = useApi();
  const { grant } = useSession();
  const scope = grant?.scope ?? "";
  const [params, setParams] = useSearchParams();
  const periodId = periodIdOf(params.get("period"));
  const [now] = useState(() => new Date());
  const period = periodOf(periodId, now);
  const dimension = (params.get("dimension") === "UNIT" ? "UNIT" : "STREET") as CaseRankingDimension;
  // Only the district ranks (the policy grants case.rank to district administrators): nobody else is offered it.
  const ranks = grant?.role === "district_admin";
  const vars = { start: period.periodStart, end: period.periodEnd };
  const figures = useQuery(FiguresQuery, { key: scope, ...vars }, !scope);
  const ranking = useQuery(RankingQuery, { dimension, ...vars }, !ranks);
  const [exported, setExported] = useState("");
  const [exportError, setExportError] = useState("");

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };

  async function exportAs(format: CaseFileFormat) {
    setExportError("");
    try {
      const file = (await api.request(ExportQuery, { dimension, format, ...vars })).caseRankingExport;
      if (file) {
        download(file);
        setExported(file.fileName);
      }
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  }

  const mine = figures.data?.caseEvaluation;
  const rows = ranking.data?.caseRanking?.nodes ?? [];
  return (
    <section>
      <h1>{t("evaluation.title")}</h1>
      <div className="panel filters">
        <label htmlFor="evaluation-period">{t("evaluation.period")}</label>{" "}
        <select id="evaluation-period" value={periodId} onChange={(e) => set("period", e.currentTarget.value)}>
          {PERIODS.map((p) => <option key={p.id} value={p.id}>{t(p.label)}</option>)}
        </select>
      </div>

      <section className="panel" aria-labelledby="evaluation-mine">
        <h2 id="evaluation-mine">{t("evaluation.mine", { scope })}</h2>
        {figures.error ? <ErrorPanel error={figures.error} retry={figures.refetch} /> : null}
        {mine ? (
          <ul className="kpis" data-testid="own-figures">
            <Figure name={t("evaluation.reported")} value={mine.reported} />
            <Figure name={t("evaluation.closed")} value={mine.closed} />
            <Figure name={t("evaluation.closureRate")} value={percent(mine.closureRate)} />
            <Figure name={t("evaluation.onTimeClosureRate")} value={percent(mine.onTimeClosureRate)} />
            <Figure name={t("evaluation.onTimeHandlingRate")} value={percent(mine.onTimeHandlingRate)} />
            <Figure name={t("evaluation.satisfactionRate")} value={percent(mine.satisfactionRate)} />
            <Figure name={t("evaluation.meanHandlingHours")} value={mine.meanHandlingHours.toFixed(1)} />
          </ul>
        ) : null}
      </section>

      {ranks ? (
        <section className="panel" aria-labelledby="evaluation-ranking">
          <h2 id="evaluation-ranking">{t("evaluation.ranking")}</h2>
          <div className="filters">
            <label htmlFor="evaluation-dimension">{t("evaluation.dimension")}</label>{" "}
            <select id="evaluation-dimension" value={dimension} onChange={(e) => set("dimension", e.currentTarget.value)}>
              {DIMENSIONS.map((d) => <option key={d} value={d}>{t(`evaluation.dimension.${d}`)}</option>)}
            </select>{" "}
            <button type="button" className="button-secondary" onClick={() => void exportAs("XLSX" as CaseFileFormat)}>
              {t("evaluation.export", { format: "XLSX" })}</button>{" "}
            <button type="button" className="button-secondary" onClick={() => void exportAs("CSV" as CaseFileFormat)}>
              {t("evaluation.export", { format: "CSV" })}</button>
          </div>
          {exported ? <Notice kind="success">{t("evaluation.exported", { name: exported })}</Notice> : null}
          {exportError ? <Notice kind="error">{exportError}</Notice> : null}
          <p className="formula">{t("evaluation.scoreFormula")}</p>
          {ranking.error ? <ErrorPanel error={ranking.error} retry={ranking.refetch} /> : null}
          {ranking.data && !rows.length ? <p>{t("evaluation.none")}</p> : null}
          {rows.length ? (
            <table className="table" data-testid="ranking">
              <caption className="visually-hidden">{t("evaluation.ranking")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("evaluation.rank")}</th><th scope="col">{t("evaluation.key")}</th>
                  <th scope="col">{t("evaluation.score")}</th><th scope="col">{t("evaluation.reported")}</th>
                  <th scope="col">{t("evaluation.closed")}</th><th scope="col">{t("evaluation.closureRate")}</th>
                  <th scope="col">{t("evaluation.onTimeClosureRate")}</th><th scope="col">{t("evaluation.reworkRate")}</th>
                  <th scope="col">{t("evaluation.satisfactionRate")}</th>
                  <th scope="col">{t("evaluation.meanHandlingHours")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.evaluation.key} data-testid="ranking-row">
                    <td>{row.rank}</td><td>{row.evaluation.key}</td><td>{row.score.toFixed(1)}</td>
                    <td>{row.evaluation.reported}</td><td>{row.evaluation.closed}</td>
                    <td>{percent(row.evaluation.closureRate)}</td><td>{percent(row.evaluation.onTimeClosureRate)}</td>
                    <td>{percent(row.evaluation.reworkRate)}</td><td>{percent(row.evaluation.satisfactionRate)}</td>
                    <td>{row.evaluation.meanHandlingHours.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
