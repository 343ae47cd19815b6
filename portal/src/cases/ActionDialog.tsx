// One case action as a form in a dialog: checked before sending, the API's refusal shown beside its field.
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, fieldErrors } from "../api/errors";
import { useApi } from "../api/hooks";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { Dialog } from "../ui/Dialog";
import { useDraft } from "../ui/useDraft";
import { FilesField, RadioField, TextAreaField, TextField } from "../ui/Field";
import { type ChosenFiles, uploadFiles, withFileCounts } from "../ui/evidenceUpload";
import { Notice } from "../ui/Notice";
import { ACTION_FORMS, validate, type FormField, type FormValues } from "./actionForms";
import { ACTION_MUTATIONS } from "./actionMutations";

export function ActionDialog({ action, caseId, jurisdiction, onDone, onClose }: {
  action: string; caseId: string; jurisdiction: string; onDone: () => void; onClose: () => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const fields = ACTION_FORMS[action] ?? [];
  // Kept until sent: an expired session mid-form comes back to what was typed.
  const [values, setValues, clearDraft] = useDraft<FormValues>(`case:${caseId}:${action}`, {});
  const [files, setFiles] = useState<ChosenFiles>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(fields, withFileCounts(fields, values, files));
    setErrors(Object.fromEntries(Object.entries(problems).map(([name, p]) => [name, t(p.key, p.params)])));
    setFormError("");
    if (Object.keys(problems).length) return;
    const run = ACTION_MUTATIONS[action];
    if (!run) return;
    setSending(true);
    try {
      await run(api, caseId, await uploadFiles(api, fields, values, files, jurisdiction));
      clearDraft();
      onDone();
    } catch (error) {
      const byField = error instanceof ApiError ? fieldErrors(error, fields.map((f) => f.name)) : {};
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(errorMessage(error, t));
    } finally {
      setSending(false);
    }
  }

  const control = (field: FormField) => {
    const common = { name: field.name, label: t(field.label), value: values[field.name] ?? "",
      onChange: (value: string) => setValues({ ...values, [field.name]: value }), error: errors[field.name],
      required: field.required };
    switch (field.kind) {
      case "textarea":
      case "lines":
        return <TextAreaField key={field.name} {...common} />;
      case "files":
        return <FilesField key={field.name} name={field.name} label={t(field.label)} error={errors[field.name]}
          required={field.required} count={files[field.name]?.length ?? 0}
          onChange={(chosen) => setFiles({ ...files, [field.name]: chosen })} />;
      case "integer":
        return <TextField key={field.name} {...common} inputMode="numeric" />;
      case "yesno": {
        const [yes, no] = field.name === "passed" ? ["field.passedYes", "field.passedNo"] as const
          : ["field.approveYes", "field.approveNo"] as const;
        return <RadioField key={field.name} {...common} choices={[{ value: "yes", label: t(yes) },
          { value: "no", label: t(no) }]} />;
      }
      case "satisfaction":
        return <RadioField key={field.name} {...common} choices={["SATISFIED", "BASICALLY_SATISFIED", "UNSATISFIED"]
          .map((value) => ({ value, label: label(t, "satisfaction", value) }))} />;
      default:
        return <TextField key={field.name} {...common} />;
    }
  };

  return (
    <Dialog title={label(t, "action", action)} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {formError ? <Notice kind="error">{formError}</Notice> : null}
        {fields.map(control)}
        <div className="dialog-buttons">
          <button type="button" className="button-secondary" onClick={onClose}>{t("app.cancel")}</button>
          <button type="submit" disabled={sending}>{sending ? t("app.submitting") : t("app.submit")}</button>
        </div>
      </form>
    </Dialog>
  );
}
