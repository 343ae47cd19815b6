// A form in a dialog, like a case action's: checked before sending, the API's refusal shown beside its field.
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, fieldErrors } from "../api/errors";
import { validate, type FormField, type FormValues } from "../cases/actionForms";
import { useI18n } from "../i18n/i18n";
import { Dialog } from "./Dialog";
import { useApi } from "../api/hooks";
import { type ChosenFiles, uploadFiles, withFileCounts } from "./evidenceUpload";
import { FilesField, TextAreaField, TextField } from "./Field";
import { Notice } from "./Notice";

export function FormDialog({ title, fields, run, onDone, onClose, jurisdiction = "" }: {
  title: string;
  fields: readonly FormField[];
  /** Where files chosen in the form are evidence for (their upload says so). */
  jurisdiction?: string;
  /** Sends the form; raises ApiError when the API refuses. */
  run: (values: FormValues) => Promise<unknown>;
  onDone: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const [values, setValues] = useState<FormValues>({});
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
    setSending(true);
    try {
      await run(await uploadFiles(api, fields, values, files, jurisdiction));
      onDone();
    } catch (error) {
      const byField = error instanceof ApiError ? fieldErrors(error, fields.map((f) => f.name)) : {};
      setErrors(byField);
      if (Object.keys(byField).length === 0) setFormError(errorMessage(error, t));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {formError ? <Notice kind="error">{formError}</Notice> : null}
        {fields.map((field) => {
          const common = { name: field.name, label: t(field.label), value: values[field.name] ?? "",
            onChange: (value: string) => setValues({ ...values, [field.name]: value }), error: errors[field.name],
            required: field.required };
          if (field.kind === "files") {
            return <FilesField key={field.name} name={field.name} label={t(field.label)} error={errors[field.name]}
              required={field.required} count={files[field.name]?.length ?? 0}
              onChange={(chosen) => setFiles({ ...files, [field.name]: chosen })} />;
          }
          return field.kind === "textarea" || field.kind === "lines"
            ? <TextAreaField key={field.name} {...common} />
            : <TextField key={field.name} {...common} type={field.kind === "datetime" ? "datetime-local" : "text"} />;
        })}
        <div className="dialog-buttons">
          <button type="button" className="button-secondary" onClick={onClose}>{t("app.cancel")}</button>
          <button type="submit" disabled={sending}>{sending ? t("app.submitting") : t("app.submit")}</button>
        </div>
      </form>
    </Dialog>
  );
}
