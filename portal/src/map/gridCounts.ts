// The choropleth's figures: each service's counts per grid, only the selected metric's service asked.
import { useQuery } from "../api/hooks";
import type { ApiError } from "../api/errors";
import { graphql } from "../gql";
import { valuesOf, type Metric } from "./choropleth";
import type { Period } from "./period";

export const CaseGridCounts = graphql(`
  query MapCaseGridCounts($prefix: String!, $periodStart: DateTime, $periodEnd: DateTime) {
    caseGridCounts(jurisdictionPrefix: $prefix, periodStart: $periodStart, periodEnd: $periodEnd) {
      jurisdictionCode open dueSoon overdue reported
    }
  }
`);

export const FireGridCounts = graphql(`
  query MapFireGridCounts($prefix: String!) {
    fireHazardGridCounts(jurisdictionPrefix: $prefix) { jurisdictionCode open overdue }
  }
`);

export const PollutionGridCounts = graphql(`
  query MapPollutionGridCounts($prefix: String!, $periodStart: DateTime, $periodEnd: DateTime) {
    pollutionViolationGridCounts(jurisdictionPrefix: $prefix, periodStart: $periodStart, periodEnd: $periodEnd) {
      jurisdictionCode open found
    }
  }
`);

export interface GridCounts {
  values: Map<string, number> | undefined;
  error: ApiError | undefined;
  loading: boolean;
  refetch: () => void;
}

/** The metric's value for each grid under the prefix, by code; a period only for what happened in one (default:
 * this Beijing month). */
export function useGridCounts(prefix: string, metric: Metric, period?: Period): GridCounts {
  const variables = { prefix, ...period };
  const cases = useQuery(CaseGridCounts, variables, metric.source !== "cases");
  const fire = useQuery(FireGridCounts, { prefix }, metric.source !== "fire");
  const pollution = useQuery(PollutionGridCounts, variables, metric.source !== "pollution");
  const chosen = metric.source === "cases" ? cases : metric.source === "fire" ? fire : pollution;
  const rows = metric.source === "cases" ? cases.data?.caseGridCounts
    : metric.source === "fire" ? fire.data?.fireHazardGridCounts : pollution.data?.pollutionViolationGridCounts;
  return {
    values: chosen.data === undefined ? undefined : valuesOf(rows, metric),
    error: chosen.error, loading: chosen.loading, refetch: chosen.refetch,
  };
}
