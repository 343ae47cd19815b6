import { describe, expect, it } from "vitest";
import { mayExportLedger, mayImportLedger } from "./ledgerAccess";

describe("the ledger's import and export are offered as the registry's policy grants them", () => {
  it.each([
    ["district_admin", true, true],
    ["street_staff", true, true],
    ["community_staff", true, true],
    ["grid_worker", false, true],
    ["auditor", false, false],
    ["resident", false, false],
    ["fire_inspector", false, false],
  ])("%s: import %s, export %s", (role, imports, exports) => {
    expect(mayImportLedger(role)).toBe(imports);
    expect(mayExportLedger(role)).toBe(exports);
  });

  it("offers nothing before a role is known", () => {
    expect(mayImportLedger(undefined)).toBe(false);
    expect(mayExportLedger(undefined)).toBe(false);
  });
});
