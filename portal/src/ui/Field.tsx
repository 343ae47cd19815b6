// Labelled form controls, each with its error beside it (announced, and tied to the control for screen readers).
import { useId, type ChangeEvent, type ReactNode } from "react";

interface Common {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  required?: boolean;
}

function Error({ id, error }: { id: string; error?: string | undefined }) {
  return error ? <span id={id} className="field-error" data-field-error>{error}</span> : null;
}

export function TextField({ label, name, value, onChange, error, required, type = "text", inputMode }: Common & {
  type?: "text" | "search" | "number" | "date" | "datetime-local" | "tel";
  inputMode?: "numeric" | "text" | "tel";
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} value={value} required={required} inputMode={inputMode}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)} />
      <Error id={`${id}-error`} error={error} />
    </div>
  );
}

export function TextAreaField({ label, name, value, onChange, error, required }: Common) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} value={value} required={required}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)} />
      <Error id={`${id}-error`} error={error} />
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField({ label, name, value, onChange, error, required, choices }: Common & {
  choices: readonly Choice[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} required={required}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}>
        {choices.map((choice) => <option key={choice.value} value={choice.value}>{choice.label}</option>)}
      </select>
      <Error id={`${id}-error`} error={error} />
    </div>
  );
}

export function RadioField({ label, name, value, onChange, error, choices }: Common & { choices: readonly Choice[] }) {
  const id = useId();
  return (
    <fieldset className="field" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="choice">
          <input type="radio" name={name} value={choice.value} checked={value === choice.value}
            onChange={() => onChange(choice.value)} />
          {choice.label}
        </label>
      ))}
      <Error id={`${id}-error`} error={error} />
    </fieldset>
  );
}

export function CheckboxField({ label, name, checked, onChange }: {
  label: string; name: string; checked: boolean; onChange: (checked: boolean) => void;
}): ReactNode {
  return (
    <div className="field">
      <label className="choice">
        <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} />
        {label}
      </label>
    </div>
  );
}

/** Photos, videos or voice notes from the device (the camera on a phone), sent with the form. */
export function FilesField({ label, name, count, onChange, error, required }: {
  label: string; name: string; count: number; onChange: (files: File[]) => void; error?: string | undefined;
  required?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="file" multiple required={required}
        accept="image/jpeg,image/png,image/heic,video/mp4,audio/mp4,audio/aac" capture="environment"
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        data-count={count} onChange={(event) => onChange([...(event.currentTarget.files ?? [])])} />
      <Error id={`${id}-error`} error={error} />
    </div>
  );
}
