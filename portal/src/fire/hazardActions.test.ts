import { describe, expect, it } from "vitest";
import { validate } from "../cases/actionForms";
import { claimVariables, HAZARD_FORMS, HAZARD_MUTATIONS, offeredHazardActions, orderVariables } from "./hazardActions";

describe("offeredHazardActions", () => {
  it("offers what the API names, once each, in its order, and nothing it has no form for", () => {
    expect(offeredHazardActions(["verifyFireHazardFix", "reopenFireHazard", "verifyFireHazardFix"]))
      .toEqual(["verifyFireHazardFix", "reopenFireHazard"]);
    expect(offeredHazardActions(["burnFireHazard"])).toEqual([]);
    expect(offeredHazardActions([])).toEqual([]);
  });

  it("has a form and a mutation for every hazard mutation of the schema", () => {
    const names = ["claimFireHazardFix", "orderFireRectification", "reopenFireHazard", "verifyFireHazardFix"];
    expect(Object.keys(HAZARD_FORMS).sort()).toEqual(names);
    expect(Object.keys(HAZARD_MUTATIONS).sort()).toEqual(names);
  });
});

describe("the hazard forms", () => {
  it("ask for a reason to reopen", () => {
    expect(validate(HAZARD_FORMS.reopenFireHazard ?? [], { reason: " " })).toEqual({ reason: { key: "field.required" } });
    expect(validate(HAZARD_FORMS.reopenFireHazard ?? [], { reason: "灭火器仍过期" })).toEqual({});
  });

  it("take a deadline as a Beijing date and time, or none", () => {
    const fields = HAZARD_FORMS.orderFireRectification ?? [];
    expect(validate(fields, {})).toEqual({});
    expect(validate(fields, { rectifyBy: "2026-12-10T18:00" })).toEqual({});
    expect(validate(fields, { rectifyBy: "12/10/2026" })).toEqual({ rectifyBy: { key: "field.dateTime" } });
    expect(validate(fields, { note: "x".repeat(2001) })).toEqual({ note: { key: "field.tooLong", params: { max: 2000 } } });
  });

  it("send the deadline as the instant it names in Beijing, and leave an empty one to the catalogue", () => {
    expect(orderVariables("h1", { rectifyBy: "2026-12-10T18:00", note: " 限期 " }))
      .toEqual({ input: { id: "h1", rectifyBy: "2026-12-10T10:00:00.000Z", note: "限期" } });
    expect(orderVariables("h1", {}).input.rectifyBy).toBeNull();
  });

  it("send evidence one item a line, or none", () => {
    expect(claimVariables("h1", { evidence: "m1\n\n m2 " }).input.evidence).toEqual(["m1", "m2"]);
    expect(claimVariables("h1", {}).input.evidence).toBeNull();
  });
});
