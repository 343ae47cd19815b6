// One place: who answers for it, when it is next due, its inspections and its hazards.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { FireNav } from "./FireNav";
import { useHazardTypeName } from "./hazardTypes";

const FirePlaceQuery = graphql(`
  query FirePlacePage($id: ID!, $placeId: String!) {
    firePlace(id: $id) {
      id name address jurisdictionCode type riskLevel inspectedBy intervalDays nextDueOn lastInspectedAt
      ownerName ownerPhone contactName contactPhone locatedGrid locationMismatch
    }
    fireInspections(placeId: $placeId, first: 50) {
      nodes { id inspector gridLevel state inspectedAt finalizedAt items { result } hazardIds }
    }
    fireHazards(placeId: $placeId, first: 50) {
      nodes { id hazardTypeCode state foundAt rectifyBy }
    }
  }
`);

export default function FirePlacePage() {
  const { id = "" } = useParams();
  const { t, locale } = useI18n();
  const typeName = useHazardTypeName();
  const { data, error, loading, refetch } = useQuery(FirePlaceQuery, { id, placeId: id });
  const place = data?.firePlace;
  if (error && !place) return <ErrorPanel error={error} retry={refetch} />;
  if (!place) return loading ? <p className="loading" role="status">{t("app.loading")}</p> : <p>{t("fire.placeNotFound")}</p>;
  const time = (iso: string | null | undefined) => formatDateTime(iso, locale) || t("app.none");
  const inspections = data?.fireInspections?.nodes ?? [];
  const hazards = data?.fireHazards?.nodes ?? [];
  return (
    <article aria-busy={loading}>
      <FireNav />
      <h1>{t("fire.placeTitle", { name: place.name })}</h1>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      <section className="panel" aria-labelledby="place-details">
        <h2 id="place-details">{t("fire.details")}</h2>
        <dl className="details">
          <dt>{t("fire.address")}</dt><dd>{place.address}</dd>
          <dt>{t("fire.grid")}</dt><dd>{place.jurisdictionCode}
            {place.locationMismatch && place.locatedGrid
              ? <span className="tag">{t("fire.locationMismatch", { grid: place.locatedGrid })}</span> : null}</dd>
          <dt>{t("fire.type")}</dt><dd>{label(t, "firePlaceType", place.type)}</dd>
          <dt>{t("fire.risk")}</dt><dd>{label(t, "fireRisk", place.riskLevel)}</dd>
          <dt>{t("fire.inspectedBy")}</dt><dd>{label(t, "fireGridLevel", place.inspectedBy)}</dd>
          <dt>{t("fire.interval")}</dt><dd>{place.intervalDays}</dd>
          <dt>{t("fire.nextDueOn")}</dt><dd>{place.nextDueOn}</dd>
          <dt>{t("fire.lastInspectedAt")}</dt><dd>{time(place.lastInspectedAt)}</dd>
          <dt>{t("fire.owner")}</dt><dd>{place.ownerName}</dd>
          <dt>{t("fire.ownerPhone")}</dt><dd>{place.ownerPhone}</dd>
          {place.contactName ? <><dt>{t("fire.contact")}</dt><dd>{place.contactName} {place.contactPhone}</dd></> : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="place-inspections">
        <h2 id="place-inspections">{t("fire.inspections")}</h2>
        {inspections.length === 0 ? <p>{t("fire.noInspections")}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fire.inspectedAt")}</th><th scope="col">{t("fire.inspector")}</th>
                <th scope="col">{t("fire.inspectedBy")}</th><th scope="col">{t("fire.state")}</th>
                <th scope="col">{t("fire.items")}</th><th scope="col">{t("fire.placeHazards")}</th>
              </tr>
            </thead>
            <tbody>
              {inspections.map((inspection) => (
                <tr key={inspection.id} data-testid="inspection-row">
                  <td>{time(inspection.inspectedAt)}</td>
                  <td>{inspection.inspector}</td>
                  <td>{label(t, "fireGridLevel", inspection.gridLevel)}</td>
                  <td>{label(t, "fireInspectionState", inspection.state)}</td>
                  <td>{inspection.items.length}</td>
                  <td>{inspection.hazardIds.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="place-hazards">
        <h2 id="place-hazards">{t("fire.placeHazards")}</h2>
        {hazards.length === 0 ? <p>{t("fire.noHazards")}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fire.hazardType")}</th><th scope="col">{t("fire.state")}</th>
                <th scope="col">{t("fire.foundAt")}</th><th scope="col">{t("fire.rectifyBy")}</th>
              </tr>
            </thead>
            <tbody>
              {hazards.map((hazard) => (
                <tr key={hazard.id}>
                  <td><Link to={`/fire/hazards/${hazard.id}`}>{typeName(hazard.hazardTypeCode)}</Link></td>
                  <td>{label(t, "fireHazardState", hazard.state)}</td>
                  <td>{time(hazard.foundAt)}</td>
                  <td>{time(hazard.rectifyBy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}
