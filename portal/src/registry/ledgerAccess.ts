// Who is offered the household ledger's import and export: the roles the registry's policy grants them to.
// The portal only hides what a role cannot do; the gateway still decides, and its refusal is shown.

/** household.import: the offices (district, street, community) inside their scope. */
const IMPORTING_ROLES: ReadonlySet<string> = new Set(["district_admin", "street_staff", "community_staff"]);
/** household.export is a read: the offices and the grid worker (who gets personal data masked). */
const EXPORTING_ROLES: ReadonlySet<string> = new Set([...IMPORTING_ROLES, "grid_worker"]);

export function mayImportLedger(role: string | undefined): boolean {
  return role !== undefined && IMPORTING_ROLES.has(role);
}

export function mayExportLedger(role: string | undefined): boolean {
  return role !== undefined && EXPORTING_ROLES.has(role);
}
