// Which grid level inspects the places of a jurisdiction code: big = street, medium = community, small = grid.
import type { FireGridLevel } from "../gql/graphql";

const LEVEL_BY_LENGTH: Readonly<Record<number, FireGridLevel>> = { 9: "BIG", 12: "MEDIUM", 15: "SMALL" };

/** The level of a street, community or grid code; null for a district (every level) or anything else. */
export function gridLevelOf(code: string): FireGridLevel | null {
  return /^\d+$/.test(code) ? (LEVEL_BY_LENGTH[code.length] ?? null) : null;
}

/** Whether a code can be asked for: a district, street, community or grid code. */
export function isJurisdictionCode(code: string): boolean {
  return /^\d+$/.test(code) && [6, 9, 12, 15].includes(code.length);
}
