// The command centre's map: its grids coloured by the chosen metric, point layers to switch on, the hotspots.
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { METRICS, metricOf } from "./choropleth";
import { GridMap, type GridFocus } from "./GridMap";
import { HotspotList } from "./HotspotList";
import { PERIODS, periodIdOf, periodOf } from "./period";
import { POINT_KINDS, POINT_LABELS, type PointKind } from "./pointLayers";

const NO_POINTS: Record<PointKind, boolean> = { cases: false, firePlaces: false, pollutionSources: false };

export default function MapPage() {
  const { t } = useI18n();
  const { grant } = useSession();
  const scope = grant?.scope ?? "";
  // The metric stays in the URL, so a link or a reload shows the same colours.
  const [params, setParams] = useSearchParams();
  const metric = metricOf(params.get("metric"));
  const periodId = periodIdOf(params.get("period"));
  // Computed once per choice, so the requests' variables (and the client's cache key) stay the same.
  const period = useMemo(() => periodOf(periodId, new Date()), [periodId]);
  const choose = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };
  const [points, setPoints] = useState(NO_POINTS);
  const [focus, setFocus] = useState<GridFocus | null>(null);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  const show = useCallback((code: string) => setFocus((previous) => ({ code, nonce: (previous?.nonce ?? 0) + 1 })),
    []);
  return (
    <section className="map-page">
      <h1>{t("map.title")} <small>{t("map.scope", { scope })}</small></h1>
      <div className="map-controls">
        <label>
          {t("map.metric")}{" "}
          <select value={metric.id} onChange={(event) => choose("metric", event.target.value)}>
            {METRICS.map((m) => <option key={m.id} value={m.id}>{t(m.label)}</option>)}
          </select>
        </label>
        <label>
          {t("map.period")}{" "}
          <select value={periodId} onChange={(event) => choose("period", event.target.value)}>
            {PERIODS.map((p) => <option key={p.id} value={p.id}>{t(p.label)}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>{t("map.points")}</legend>
          {POINT_KINDS.map((kind) => (
            <label key={kind}>
              <input type="checkbox" checked={points[kind]}
                onChange={(event) => setPoints((p) => ({ ...p, [kind]: event.target.checked }))} />
              {t(POINT_LABELS[kind])}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="map-layout">
        <GridMap scope={scope} metric={metric.id} period={period} points={points} focus={focus}
          onGridNames={setNames} />
        <aside className="map-aside">
          <HotspotList scope={scope} names={names} onShow={show} period={period} />
        </aside>
      </div>
    </section>
  );
}
