// The hazard catalogue's names, so a hazard shows "私拉乱接" rather than its code.
import { useMemo } from "react";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";

const HazardTypesQuery = graphql(`
  query FireHazardTypeNames { fireHazardTypes(first: 200) { nodes { code name } } }
`);

/** The name of a hazard type code, or the code itself while the catalogue loads (or lacks it). */
export function useHazardTypeName(): (code: string) => string {
  const { data } = useQuery(HazardTypesQuery, {});
  return useMemo(() => {
    const names = new Map((data?.fireHazardTypes?.nodes ?? []).map((type) => [type.code, type.name]));
    return (code: string) => names.get(code) ?? code;
  }, [data]);
}
