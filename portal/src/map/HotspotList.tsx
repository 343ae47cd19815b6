// The grids where cases cluster this month, densest first; each one a button that shows it on the map.
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import { ErrorPanel } from "../ui/ErrorPanel";
import type { Period } from "./period";

const Hotspots = graphql(`
  query MapCaseHotspots($prefix: String!, $first: Int!, $periodStart: DateTime, $periodEnd: DateTime) {
    caseHotspots(jurisdictionPrefix: $prefix, first: $first, periodStart: $periodStart, periodEnd: $periodEnd) {
      jurisdictionCode reported areaM2 perKm2
    }
  }
`);

export interface HotspotListProps {
  scope: string;
  names: ReadonlyMap<string, string>;
  onShow?: (code: string) => void;
  first?: number;
  period?: Period;
}

export function HotspotList({ scope, names, onShow, first = 10, period }: HotspotListProps) {
  const { t, locale } = useI18n();
  const { data, error, refetch, loading } = useQuery(Hotspots, { prefix: scope, first, ...period });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const rows = data?.caseHotspots ?? null;
  return (
    <section className="map-hotspots" aria-labelledby="map-hotspots-title" aria-busy={loading}>
      <h2 id="map-hotspots-title">{t("map.hotspots")}</h2>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {rows !== null && rows.length === 0 ? <p>{t("map.noHotspots")}</p> : null}
      {rows && rows.length > 0 ? (
        <ol data-testid="hotspot-list">
          {rows.map((row) => {
            const name = names.get(row.jurisdictionCode) ?? row.jurisdictionCode;
            return (
              <li key={row.jurisdictionCode} data-code={row.jurisdictionCode}>
                {onShow ? (
                  <button type="button" className="map-hotspot-button" onClick={() => onShow(row.jurisdictionCode)}
                    aria-label={t("map.showGrid", { name })}>{name}</button>
                ) : <span>{name}</span>}
                <span className="map-hotspot-figure">
                  {t("map.hotspotRow", { reported: row.reported, perKm2: number.format(row.perKm2) })}
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
