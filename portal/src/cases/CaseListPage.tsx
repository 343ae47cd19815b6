// The case workbench: the list of the cases in the viewer's scope, with the API's filters and paging.
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import { label, type LabelGroup } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField, type Choice } from "../ui/Field";
import { CaseTable } from "./CaseTable";
import { SavedViews } from "./SavedViews";
import { caseVariables, DUE_STATUSES, filtersFrom, filtersTo, SOURCES, STATES, TIERS, type CaseFilters } from "./filters";

const PAGE_SIZE = 20;

const CaseListQuery = graphql(`
  query CaseList($states: [CaseState!], $dueStatus: CaseDueStatus, $tier: CaseTier, $source: CaseSource,
      $categoryCode: String!, $text: String!, $jurisdictionPrefix: String!, $handlingUnit: String!,
      $first: Int!, $after: String) {
    cases(states: $states, dueStatus: $dueStatus, tier: $tier, source: $source, categoryCode: $categoryCode,
        text: $text, jurisdictionPrefix: $jurisdictionPrefix, handlingUnit: $handlingUnit, first: $first,
        after: $after) {
      nodes { id number description state dueStatus jurisdictionCode reportedAt deadline supervised }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function CaseListPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const [draft, setDraft] = useState<CaseFilters>(filters);
  // The cursors of the pages seen so far: page n starts after cursors[n].
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const { data, error, loading, refetch } = useQuery(CaseListQuery,
    caseVariables(filters, PAGE_SIZE, cursors[page] ?? null));
  const connection = data?.cases;

  const choices = (group: LabelGroup, values: readonly string[]): Choice[] =>
    [{ value: "", label: t("cases.any") }, ...values.map((value) => ({ value, label: label(t, group, value) }))];
  const set = (name: keyof CaseFilters) => (value: string) => setDraft({ ...draft, [name]: value });

  function search(event: FormEvent) {
    event.preventDefault();
    setCursors([null]);
    setParams(filtersTo(draft));
  }
  function reset() {
    const empty = filtersFrom(new URLSearchParams());
    setDraft(empty);
    setCursors([null]);
    setParams(new URLSearchParams());
  }
  function applyView(next: URLSearchParams) {
    setDraft(filtersFrom(next));
    setCursors([null]);
    setParams(next);
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("cases.title")}</h1>
      <form className="panel" onSubmit={search} aria-label={t("cases.filters")}>
        <div className="filters">
          <SelectField label={t("cases.state")} name="state" value={draft.state} onChange={set("state")}
            choices={choices("caseState", STATES)} />
          <SelectField label={t("cases.dueStatus")} name="dueStatus" value={draft.dueStatus}
            onChange={set("dueStatus")} choices={choices("dueStatus", DUE_STATUSES)} />
          <SelectField label={t("cases.tier")} name="tier" value={draft.tier} onChange={set("tier")}
            choices={choices("tier", TIERS)} />
          <SelectField label={t("cases.source")} name="source" value={draft.source} onChange={set("source")}
            choices={choices("source", SOURCES)} />
          <TextField label={t("cases.category")} name="categoryCode" value={draft.categoryCode}
            onChange={set("categoryCode")} />
          <TextField label={t("cases.text")} name="text" type="search" value={draft.text} onChange={set("text")} />
          <TextField label={t("cases.grid")} name="jurisdictionPrefix" value={draft.jurisdictionPrefix}
            onChange={set("jurisdictionPrefix")} inputMode="numeric" />
          <TextField label={t("cases.unit")} name="handlingUnit" value={draft.handlingUnit}
            onChange={set("handlingUnit")} />
        </div>
        <div className="toolbar">
          <button type="submit">{t("cases.search")}</button>
          <button type="button" className="button-secondary" onClick={reset}>{t("cases.reset")}</button>
        </div>
      </form>
      <SavedViews filters={filters} current={filtersTo(filters).toString()} apply={applyView} />
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        <>
          {connection.nodes.length === 0 ? <p>{t("cases.empty")}</p>
            : <CaseTable cases={connection.nodes} caption={t("cases.title")} />}
          <nav className="toolbar" aria-label={t("cases.page", { page: page + 1 })}>
            <button type="button" className="button-secondary" disabled={page === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}>{t("cases.previous")}</button>
            <span>{t("cases.page", { page: page + 1 })} · {t("cases.count", { count: connection.nodes.length })}</span>
            <button type="button" className="button-secondary" disabled={!connection.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}>
              {t("cases.next")}
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
