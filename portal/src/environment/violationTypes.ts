// The violation catalogue's names, so a violation shows "露天焚烧" rather than its code.
import { useMemo } from "react";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";

const ViolationTypesQuery = graphql(`
  query PollutionViolationTypeNames { pollutionViolationTypes(first: 200) { nodes { code name } } }
`);

/** The name of a violation type code, or the code itself while the catalogue loads (or lacks it). */
export function useViolationTypeName(): (code: string) => string {
  const { data } = useQuery(ViolationTypesQuery, {});
  return useMemo(() => {
    const names = new Map((data?.pollutionViolationTypes?.nodes ?? []).map((type) => [type.code, type.name]));
    return (code: string) => names.get(code) ?? code;
  }, [data]);
}
