// One household: its care level, helper and vulnerable groups, its members (masked as the API masks them), its visits.
import { Link, useParams } from "react-router-dom";
import { useSession } from "../auth/session";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { Notice } from "../ui/Notice";
import { isMasked, refusalReason } from "./refusal";
import { RegistryNav } from "./RegistryNav";

const HouseholdQuery = graphql(`
  query HouseholdPage($id: ID!) {
    household(id: $id) {
      id number jurisdictionCode address headName memberCount careLevel careReason tags
      helper { name phone }
      members { id name relationship gender birthDate idNumber phone populationType }
      visits(first: 50) { nodes { id worker notes visitedAt } }
    }
  }
`);

export default function HouseholdPage() {
  const { id = "" } = useParams();
  const { t, locale } = useI18n();
  const { grant } = useSession();
  const { data, error, loading, refetch } = useQuery(HouseholdQuery, { id });
  const household = data?.household;
  const refused = refusalReason(error);
  if (refused !== null) {
    return (
      <article>
        <RegistryNav />
        <h1>{t("registry.households")}</h1>
        <div data-testid="refusal"><Notice kind="error">{t("registry.refused", { reason: refused })}</Notice></div>
      </article>
    );
  }
  if (error) return <ErrorPanel error={error} retry={refetch} />;
  if (!household) {
    return loading ? <p className="loading" role="status">{t("app.loading")}</p> : <p>{t("registry.householdNotFound")}</p>;
  }
  const masked = household.members.some((m) => isMasked(m.idNumber) || isMasked(m.phone))
    || (household.helper !== null && household.helper !== undefined && isMasked(household.helper.phone));
  const visits = household.visits.nodes;
  return (
    <article aria-busy={loading}>
      <RegistryNav />
      <h1>
        {t("registry.householdTitle", { number: household.number })}{" "}
        <span className={`tag care-${household.careLevel}`} data-testid="care-level">
          {label(t, "careLevel", household.careLevel)}</span>
      </h1>
      <section className="panel" aria-labelledby="household-details">
        <h2 id="household-details">{t("registry.details")}</h2>
        <dl className="details">
          <dt>{t("registry.head")}</dt><dd>{household.headName}</dd>
          <dt>{t("registry.address")}</dt><dd>{household.address}</dd>
          <dt>{t("registry.grid")}</dt><dd>{household.jurisdictionCode}</dd>
          <dt>{t("registry.members")}</dt><dd>{household.memberCount}</dd>
          <dt>{t("registry.careLevel")}</dt><dd>{label(t, "careLevel", household.careLevel)}</dd>
          {household.careReason ? <><dt>{t("registry.careReason")}</dt><dd>{household.careReason}</dd></> : null}
          <dt>{t("registry.tags")}</dt>
          <dd>{household.tags.map((value) => label(t, "vulnerableTag", value)).join("、") || t("app.none")}</dd>
          <dt>{t("registry.helper")}</dt>
          <dd data-testid="helper">
            {household.helper ? `${household.helper.name} ${household.helper.phone}` : t("registry.noHelper")}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="household-members">
        <h2 id="household-members">{t("registry.residents")}</h2>
        {masked ? <p data-testid="masked-note">{t("registry.masked")}</p> : null}
        {household.members.length === 0 ? <p>{t("registry.noResidents")}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("registry.residentName")}</th><th scope="col">{t("registry.relationship")}</th>
                <th scope="col">{t("registry.gender")}</th><th scope="col">{t("registry.birthDate")}</th>
                <th scope="col">{t("registry.idNumber")}</th><th scope="col">{t("registry.phone")}</th>
                <th scope="col">{t("registry.populationType")}</th>
              </tr>
            </thead>
            <tbody>
              {household.members.map((member) => (
                <tr key={member.id} data-testid="resident-row">
                  <td>{member.name}</td>
                  <td>{label(t, "relationship", member.relationship)}</td>
                  <td>{label(t, "gender", member.gender)}</td>
                  <td>{member.birthDate}</td>
                  <td data-testid="id-number">{member.idNumber}</td>
                  <td>{member.phone || t("app.none")}</td>
                  <td>{label(t, "populationType", member.populationType)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="household-visits">
        <h2 id="household-visits">{t("registry.visits")}</h2>
        {/* The grid worker records visits (the registry's policy); on the phone, offline or not. */}
        {grant?.role === "grid_worker" ? (
          <p><Link className="button-secondary" to={`/field/visit/${household.id}`} data-testid="record-visit">
            {t("today.visit")}</Link></p>
        ) : null}
        {visits.length === 0 ? <p>{t("registry.noVisits")}</p> : (
          <ol className="timeline" data-testid="visits">
            {visits.map((visit) => (
              <li key={visit.id}>
                <strong>{formatDateTime(visit.visitedAt, locale)}</strong>
                <div className="timeline-meta">{t("registry.visitor")}: {visit.worker}</div>
                <div>{visit.notes}</div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
