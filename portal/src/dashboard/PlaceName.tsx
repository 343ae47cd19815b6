// A jurisdiction as the dashboard names it, and the path of its dashboard.
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";

const NameQuery = graphql(`
  query JurisdictionName($code: String!) { jurisdiction(code: $code) { code name } }
`);

/** The dashboard of another jurisdiction, in the same period. */
export function drillPath(code: string, periodId: string): string {
  return `/dashboard?under=${code}&period=${periodId}`;
}

/** A jurisdiction's name from the registry; its code while that is loading or the registry does not answer. */
export function PlaceName({ code }: { code: string }) {
  const { data } = useQuery(NameQuery, { code });
  const name = data?.jurisdiction?.name;
  return <>{name ? `${name}（${code}）` : code}</>;
}
