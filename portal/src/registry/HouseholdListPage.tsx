// The households in the viewer's scope by grid: care level, vulnerable groups and helper, filtered as the API allows.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import type { CareLevel, VulnerableTag } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { SelectField, TextField } from "../ui/Field";
import { Pager, useCursorPages } from "../ui/Pager";
import { RegistryNav } from "./RegistryNav";

const PAGE_SIZE = 20;
export const CARE_LEVELS: readonly CareLevel[] = ["ASSURED", "ATTENTION", "CLOSE_CONTACT"];
export const TAGS: readonly VulnerableTag[] = ["LEFT_BEHIND_ELDERLY", "LEFT_BEHIND_CHILDREN", "ELDERLY_ALONE", "DISABLED",
  "LOW_INCOME", "HAZARD_AREA", "OFFENDER_FAMILY"];

const HouseholdsQuery = graphql(`
  query Households($filter: HouseholdFilterInput!, $first: Int!, $after: String) {
    households(filter: $filter, first: $first, after: $after) {
      nodes { id number jurisdictionCode address headName memberCount careLevel tags helper { name phone } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export default function HouseholdListPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const code = params.get("code") ?? "";
  const name = params.get("name") ?? "";
  const careLevel = CARE_LEVELS.find((value) => value === params.get("care")) ?? null;
  const tag = TAGS.find((value) => value === params.get("tag"));
  const [draft, setDraft] = useState({ code, name, care: careLevel ?? "", tag: tag ?? "" });
  const pages = useCursorPages();
  const { data, error, loading, refetch } = useQuery(HouseholdsQuery, {
    filter: { jurisdictionPrefix: code, name, careLevel, tags: tag ? [tag] : [] }, first: PAGE_SIZE, after: pages.after });
  const connection = data?.households;

  function search(event: FormEvent) {
    event.preventDefault();
    pages.reset();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, value.trim());
    setParams(next);
  }

  return (
    <section aria-busy={loading}>
      <h1>{t("nav.registry")}</h1>
      <RegistryNav />
      <h2>{t("registry.households")}</h2>
      <form className="panel" onSubmit={search} aria-label={t("registry.households")}>
        <div className="filters">
          <TextField label={t("registry.jurisdiction")} name="code" value={draft.code} inputMode="numeric"
            onChange={(value) => setDraft({ ...draft, code: value })} />
          <TextField label={t("registry.name")} name="name" type="search" value={draft.name}
            onChange={(value) => setDraft({ ...draft, name: value })} />
          <SelectField label={t("registry.careLevel")} name="care" value={draft.care}
            onChange={(value) => setDraft({ ...draft, care: value })}
            choices={[{ value: "", label: t("registry.anyCare") },
              ...CARE_LEVELS.map((value) => ({ value, label: label(t, "careLevel", value) }))]} />
          <SelectField label={t("registry.tags")} name="tag" value={draft.tag}
            onChange={(value) => setDraft({ ...draft, tag: value })}
            choices={[{ value: "", label: t("registry.anyTag") },
              ...TAGS.map((value) => ({ value, label: label(t, "vulnerableTag", value) }))]} />
        </div>
        <div className="toolbar"><button type="submit">{t("registry.search")}</button></div>
      </form>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {connection ? (
        connection.nodes.length === 0 ? <p>{t("registry.noHouseholds")}</p> : (
          <>
            <table>
              <caption className="visually-hidden">{t("registry.households")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("registry.number")}</th><th scope="col">{t("registry.head")}</th>
                  <th scope="col">{t("registry.address")}</th><th scope="col">{t("registry.grid")}</th>
                  <th scope="col">{t("registry.members")}</th><th scope="col">{t("registry.careLevel")}</th>
                  <th scope="col">{t("registry.tags")}</th><th scope="col">{t("registry.helper")}</th>
                </tr>
              </thead>
              <tbody>
                {connection.nodes.map((household) => (
                  <tr key={household.id} data-testid="household-row" data-jurisdiction={household.jurisdictionCode}>
                    <td><Link to={`/registry/households/${household.id}`}>{household.number}</Link></td>
                    <td>{household.headName}</td>
                    <td>{household.address}</td>
                    <td>{household.jurisdictionCode}</td>
                    <td>{household.memberCount}</td>
                    <td><span className={`tag care-${household.careLevel}`}>{label(t, "careLevel", household.careLevel)}</span></td>
                    <td>{household.tags.map((value) => label(t, "vulnerableTag", value)).join("、")}</td>
                    <td>{household.helper ? `${household.helper.name} ${household.helper.phone}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pages={pages} count={connection.nodes.length} pageInfo={connection.pageInfo} />
          </>
        )
      ) : null}
    </section>
  );
}
