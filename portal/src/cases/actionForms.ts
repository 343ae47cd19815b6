// The form of each case action the API can offer (Case.viewerActions names mutations): its fields, and the
// checks made before sending. The API checks again; its refusal is shown beside the field it names.
import type { MessageKey } from "../i18n/zh-CN";

// "datetime" is a Beijing wall-clock time from a datetime-local input (yyyy-MM-ddTHH:mm). "files" are photos or
// recordings chosen on the device: uploaded when the form is sent, the API given their ids one per line.
export type FieldKind = "text" | "textarea" | "lines" | "integer" | "yesno" | "satisfaction" | "datetime" | "files";

export interface FormField {
  name: string;
  label: MessageKey;
  kind: FieldKind;
  required?: boolean;
  /** Characters (text), or the largest value (integer). */
  max?: number;
  min?: number;
}

const comment: FormField = { name: "comment", label: "field.comment", kind: "textarea", max: 2000 };
const reason: FormField = { name: "reason", label: "field.reason", kind: "textarea", required: true, max: 2000 };
const evidence: FormField = { name: "evidence", label: "field.evidence", kind: "files" };
const approve: FormField = { name: "approve", label: "field.approve", kind: "yesno", required: true };

/** Every case mutation a case page may offer, with its form, in the order the loop reaches them. */
export const ACTION_FORMS: Readonly<Record<string, readonly FormField[]>> = {
  registerCase: [comment],
  rejectCase: [reason],
  mergeCase: [{ name: "originalId", label: "field.originalId", kind: "text", required: true, max: 64 }, comment],
  linkCaseEmergency: [comment],
  dispatchCase: [
    { name: "unit", label: "field.unit", kind: "text", max: 64 },
    { name: "coUnits", label: "field.coUnits", kind: "text", max: 640 },
    comment,
  ],
  voidCase: [reason],
  acceptCase: [comment],
  returnCase: [reason],
  handleCase: [{ name: "resolution", label: "field.resolution", kind: "textarea", required: true, max: 10000 }, evidence],
  requestCaseExtension: [{ name: "amount", label: "field.amount", kind: "integer", required: true, min: 1, max: 365 },
    reason],
  decideCaseExtension: [approve, comment],
  requestCaseHold: [reason],
  decideCaseHold: [approve, comment],
  resumeCase: [comment],
  escalateCase: [reason],
  superviseCase: [reason],
  verifyCase: [{ name: "passed", label: "field.passed", kind: "yesno", required: true }, comment, evidence],
  callbackCase: [{ name: "satisfaction", label: "field.satisfaction", kind: "satisfaction", required: true }, comment],
  archiveCase: [comment],
  rateCaseHandling: [{ name: "score", label: "field.score", kind: "integer", required: true, min: 1, max: 5 }, comment],
};

/** The actions to offer: exactly those the API returned that the portal has a form for, in the API's order. */
export function offeredActions(viewerActions: readonly string[]): string[] {
  return [...new Set(viewerActions)].filter((action) => action in ACTION_FORMS);
}

export type FormValues = Record<string, string>;

export interface FieldProblem {
  key: MessageKey;
  params?: Record<string, number>;
}

/** The problems the form can see before sending, by field name. */
export function validate(fields: readonly FormField[], values: FormValues): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  for (const field of fields) {
    const value = (values[field.name] ?? "").trim();
    if (!value) {
      if (field.required) problems[field.name] = { key: "field.required" };
      continue;
    }
    if (field.kind === "datetime") {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}:00+08:00`))) {
        problems[field.name] = { key: "field.dateTime" };
      }
    } else if (field.kind === "integer") {
      const number = Number(value);
      const min = field.min ?? 0;
      const max = field.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(value) || number < min || number > max) {
        problems[field.name] = { key: "field.wholeNumber", params: { min, max } };
      }
    } else if (field.kind === "files") {
      // The value is the number of files chosen; the files themselves are checked by the API when uploaded.
    } else if (field.max !== undefined) {
      const max = field.max;
      // A list of lines holds each line to the limit (each is one item of the list the API takes).
      const items = field.kind === "lines" ? lines(value) : [value];
      if (items.some((item) => [...item].length > max)) problems[field.name] = { key: "field.tooLong", params: { max } };
    }
  }
  return problems;
}

export function lines(value: string): string[] {
  return value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

export function list(value: string): string[] {
  return value.split(/[,，]/).map((item) => item.trim()).filter(Boolean);
}
