// The choropleth's figures: each service's counts per grid, only the selected metric's service asked.
import { useQuery } from "../api/hooks";
import type { ApiError } from "../api/errors";
import { graphql } from "../gql";
import { valuesOf, type Metric } from "./choropleth";

export const CaseGridCounts = graphql(`
  query MapCaseGridCounts($prefix: String!) {
    caseGridCounts(jurisdictionPrefix: $prefix) { jurisdictionCode open dueSoon overdue reported }
  }
`);

export const FireGridCounts = graphql(`
  query MapFireGridCounts($prefix: String!) {
    fireHazardGridCounts(jurisdictionPrefix: $prefix) { jurisdictionCode open overdue }
  }
`);

export const PollutionGridCounts = graphql(`
  query MapPollutionGridCounts($prefix: String!) {
    pollutionViolationGridCounts(jurisdictionPrefix: $prefix) { jurisdictionCode open found }
  }
`);

export interface GridCounts {
  values: Map<string, number> | undefined;
  error: ApiError | undefined;
  loading: boolean;
  refetch: () => void;
}

/** The metric's value for each grid under the prefix, by code. */
export function useGridCounts(prefix: string, metric: Metric): GridCounts {
  const variables = { prefix };
  const cases = useQuery(CaseGridCounts, variables, metric.source !== "cases");
  const fire = useQuery(FireGridCounts, variables, metric.source !== "fire");
  const pollution = useQuery(PollutionGridCounts, variables, metric.source !== "pollution");
  const chosen = metric.source === "cases" ? cases : metric.source === "fire" ? fire : pollution;
  const rows = metric.source === "cases" ? cases.data?.caseGridCounts
    : metric.source === "fire" ? fire.data?.fireHazardGridCounts : pollution.data?.pollutionViolationGridCounts;
  return {
    values: chosen.data === undefined ? undefined : valuesOf(rows, metric),
    error: chosen.error, loading: chosen.loading, refetch: chosen.refetch,
  };
}
