// The order of a today's-work list: by the API's deadline, soonest first; rows without one last.

/** A copy of the rows sorted by their deadline (ISO 8601 instants as the API gives them), soonest first. */
export function byDeadline<T>(rows: readonly T[], deadline: (row: T) => string | null | undefined): T[] {
  const time = (row: T) => {
    const at = deadline(row);
    const ms = at ? Date.parse(at) : Number.NaN;
    return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  };
  return [...rows].sort((a, b) => time(a) - time(b));
}
