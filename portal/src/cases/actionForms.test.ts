import { describe, expect, it } from "vitest";
import { ACTION_FORMS, list, offeredActions, validate } from "./actionForms";

describe("offeredActions", () => {
  it("offers exactly what the API returned, once each, in its order", () => {
    expect(offeredActions(["dispatchCase", "voidCase", "dispatchCase"])).toEqual(["dispatchCase", "voidCase"]);
    expect(offeredActions([])).toEqual([]);
  });

  it("leaves out a mutation it has no form for rather than guessing one", () => {
    expect(offeredActions(["acceptCase", "teleportCase"])).toEqual(["acceptCase"]);
  });

  it("has a form for every case mutation the schema has", () => {
    expect(Object.keys(ACTION_FORMS).sort()).toEqual(["acceptCase", "archiveCase", "callbackCase", "decideCaseExtension",
      "decideCaseHold", "dispatchCase", "escalateCase", "handleCase", "linkCaseEmergency", "mergeCase",
      "rateCaseHandling", "registerCase", "rejectCase", "requestCaseExtension", "requestCaseHold", "resumeCase",
      "returnCase", "superviseCase", "verifyCase", "voidCase"]);
  });
});

describe("validate", () => {
  it("asks for what is required", () => {
    expect(validate(ACTION_FORMS.returnCase ?? [], { reason: "  " })).toEqual({ reason: { key: "field.required" } });
    expect(validate(ACTION_FORMS.returnCase ?? [], { reason: "不属于本单位职责" })).toEqual({});
  });

  it("counts characters, not UTF-16 units", () => {
    const fields = ACTION_FORMS.registerCase ?? [];
    expect(validate(fields, { comment: "𠀀".repeat(2000) })).toEqual({});
    expect(validate(fields, { comment: "意".repeat(2001) })).toEqual({ comment: { key: "field.tooLong", params: { max: 2000 } } });
  });

  it("takes whole numbers in range", () => {
    const fields = ACTION_FORMS.rateCaseHandling ?? [];
    expect(validate(fields, { score: "5" })).toEqual({});
    for (const bad of ["0", "6", "2.5", "x"]) {
      expect(validate(fields, { score: bad })).toEqual({ score: { key: "field.wholeNumber", params: { min: 1, max: 5 } } });
    }
  });

  it("splits unit lists on either comma", () => {
    expect(list("a, b，c,,")).toEqual(["a", "b", "c"]);
  });
});
