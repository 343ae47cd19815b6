import { describe, expect, it } from "vitest";
import { validate } from "../cases/actionForms";
import { withFileCounts } from "../ui/evidenceUpload";
import { offeredViolationActions, VIOLATION_FORMS, VIOLATION_MUTATIONS } from "./violationActions";

describe("the violation actions", () => {
  it("offer what the API names and has a form for, once each", () => {
    expect(offeredViolationActions(["addPollutionViolationEvidence", "addPollutionViolationEvidence", "closeIt"]))
      .toEqual(["addPollutionViolationEvidence"]);
    expect(Object.keys(VIOLATION_MUTATIONS)).toEqual(Object.keys(VIOLATION_FORMS));
  });

  it("ask for at least one file of evidence", () => {
    const fields = VIOLATION_FORMS.addPollutionViolationEvidence ?? [];
    expect(fields.map((f) => f.kind)).toEqual(["files"]);
    expect(validate(fields, withFileCounts(fields, {}, {}))).toEqual({ evidence: { key: "field.required" } });
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], "photo.jpg", { type: "image/jpeg" });
    expect(validate(fields, withFileCounts(fields, {}, { evidence: [photo] }))).toEqual({});
  });
});
