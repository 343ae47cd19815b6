import { describe, expect, it } from "vitest";
import { validate } from "../cases/actionForms";
import { offeredViolationActions, VIOLATION_FORMS, VIOLATION_MUTATIONS } from "./violationActions";

describe("the violation actions", () => {
  it("offer what the API names and has a form for, once each", () => {
    expect(offeredViolationActions(["addPollutionViolationEvidence", "addPollutionViolationEvidence", "closeIt"]))
      .toEqual(["addPollutionViolationEvidence"]);
    expect(Object.keys(VIOLATION_MUTATIONS)).toEqual(Object.keys(VIOLATION_FORMS));
  });

  it("ask for at least one piece of evidence, each line within the limit", () => {
    const fields = VIOLATION_FORMS.addPollutionViolationEvidence ?? [];
    expect(validate(fields, { evidence: "\n \n" })).toEqual({ evidence: { key: "field.required" } });
    expect(validate(fields, { evidence: "media-1\nmedia-2" })).toEqual({});
    expect(validate(fields, { evidence: `ok\n${"x".repeat(2001)}` }))
      .toEqual({ evidence: { key: "field.tooLong", params: { max: 2000 } } });
  });
});
