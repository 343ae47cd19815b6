// The period and jurisdiction a report asks about, kept in the page's address; checked before it is sent.
import { useState, type FormEvent, type ReactNode } from "react";
import { useSearchParams } from "react-router-dom";
import { useI18n } from "../i18n/i18n";
import { TextField } from "../ui/Field";
import { periodFrom, periodProblems, type Period } from "./period";

export interface PeriodQuery extends Period {
  code: string;
  /** The page's own further filters, by name. */
  extra: Record<string, string>;
}

/** The page's period, code and extra filters from its address (the defaults for what it lacks). */
export function usePeriodQuery(extraNames: readonly string[] = []): [PeriodQuery, (next: PeriodQuery) => void] {
  const [params, setParams] = useSearchParams();
  const period = periodFrom(params, new Date());
  const query: PeriodQuery = { ...period, code: params.get("code") ?? "",
    extra: Object.fromEntries(extraNames.map((name) => [name, params.get(name) ?? ""])) };
  const set = (next: PeriodQuery) => {
    const search = new URLSearchParams({ start: next.start, end: next.end });
    if (next.code) search.set("code", next.code);
    for (const [name, value] of Object.entries(next.extra)) if (value) search.set(name, value);
    setParams(search);
  };
  return [query, set];
}

export function PeriodForm({ label, query, onSubmit, extra }: {
  label: string;
  query: PeriodQuery;
  onSubmit: (next: PeriodQuery) => void;
  /** The page's own further fields, given the draft and a setter. */
  extra?: (draft: Record<string, string>, set: (name: string, value: string) => void) => ReactNode;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(query);
  const [errors, setErrors] = useState<Partial<Record<keyof Period, string>>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = periodProblems(draft);
    setErrors(Object.fromEntries(Object.entries(problems).map(([name, key]) => [name, t(key)])));
    if (Object.keys(problems).length === 0) onSubmit({ ...draft, code: draft.code.trim() });
  }

  return (
    <form className="panel" onSubmit={submit} aria-label={label} noValidate>
      <div className="filters">
        <TextField label={t("env.start")} name="start" type="date" value={draft.start} error={errors.start}
          onChange={(value) => setDraft({ ...draft, start: value })} />
        <TextField label={t("env.end")} name="end" type="date" value={draft.end} error={errors.end}
          onChange={(value) => setDraft({ ...draft, end: value })} />
        <TextField label={t("env.jurisdiction")} name="code" value={draft.code} inputMode="numeric"
          onChange={(value) => setDraft({ ...draft, code: value })} />
        {extra?.(draft.extra, (name, value) => setDraft({ ...draft, extra: { ...draft.extra, [name]: value } }))}
      </div>
      <div className="toolbar"><button type="submit">{t("env.show")}</button></div>
    </form>
  );
}
