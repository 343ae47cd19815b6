// Which of the API's per-state counts make the dashboard's "open" figure.

/** States of a case still being worked on: registered and not yet closed, voided, merged or archived. */
export const OPEN_STATES = ["REGISTERED", "DISPATCHED", "RETURNED", "ACCEPTED", "ON_HOLD", "EMERGENCY", "HANDLED"];

export function openCount(byState: readonly { state: string; count: number }[]): number {
  return byState.filter((s) => OPEN_STATES.includes(s.state)).reduce((sum, s) => sum + s.count, 0);
}
