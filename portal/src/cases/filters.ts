// The case list's filters as URL search parameters (so a filtered list can be bookmarked or shared) and as the
// variables of the cases query: only what the API's cases field accepts.
import type { CaseDueStatus, CaseSource, CaseState, CaseTier } from "../gql/graphql";

export const STATES: readonly CaseState[] = ["REPORTED", "REGISTERED", "REJECTED", "VOIDED", "MERGED", "DISPATCHED",
  "RETURNED", "ACCEPTED", "ON_HOLD", "EMERGENCY", "HANDLED", "CLOSED", "ARCHIVED"];
export const DUE_STATUSES: readonly CaseDueStatus[] = ["NONE", "NORMAL", "DUE_SOON", "OVERDUE"];
export const TIERS: readonly CaseTier[] = ["COMMUNITY", "STREET", "DISTRICT"];
export const SOURCES: readonly CaseSource[] = ["GRID_WORKER", "RESIDENT", "HOTLINE", "INSPECTION_SERVICE",
  "SUPERVISOR_PATROL", "ANONYMOUS"];

export interface CaseFilters {
  state: string;
  dueStatus: string;
  tier: string;
  source: string;
  categoryCode: string;
  text: string;
  jurisdictionPrefix: string;
  handlingUnit: string;
}

export const FILTER_NAMES: readonly (keyof CaseFilters)[] = ["state", "dueStatus", "tier", "source", "categoryCode",
  "text", "jurisdictionPrefix", "handlingUnit"];

export function filtersFrom(params: URLSearchParams): CaseFilters {
  const read = (name: keyof CaseFilters) => params.get(name) ?? "";
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, read(name)])) as unknown as CaseFilters;
}

export function filtersTo(filters: CaseFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name].trim()) params.set(name, filters[name].trim());
  return params;
}

function member<T extends string>(values: readonly T[], value: string): T | null {
  return (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** The cases query's variables; a value the API does not know is left out rather than sent. */
export function caseVariables(filters: CaseFilters, first: number, after: string | null) {
  const state = member(STATES, filters.state);
  return {
    states: state ? [state] : null,
    dueStatus: member(DUE_STATUSES, filters.dueStatus),
    tier: member(TIERS, filters.tier),
    source: member(SOURCES, filters.source),
    categoryCode: filters.categoryCode.trim(),
    text: filters.text.trim(),
    jurisdictionPrefix: filters.jurisdictionPrefix.trim(),
    handlingUnit: filters.handlingUnit.trim(),
    first,
    after,
  };
}
