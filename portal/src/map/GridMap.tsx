// The map of a jurisdiction's grids: boundaries coloured by one metric, the point layers of the view, status.
import type { Feature, FeatureCollection, Geometry } from "geojson";
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { errorMessage } from "../api/errors";
import { useQuery } from "../api/hooks";
import { usePortalConfig } from "../config/portalConfig";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { boxOf, colourOf, legendOf, metricOf, thresholds, zoomBand, type MapBox, type MetricId } from "./choropleth";
import { useGridCounts } from "./gridCounts";
import type { Period } from "./period";
import { drawPoints, POINT_KINDS, POINT_LABELS, usePointLayers, type MapPoint, type PointKind } from "./pointLayers";
import "./map.css";

// Grids always (the choropleth colours every grid of the view), simplified to one pixel of the zoom's band.
const BoundaryLayer = graphql(`
  query MapBoundaryLayer($prefix: String!, $zoom: Int!) {
    boundaryLayer(jurisdictionPrefix: $prefix, zoom: $zoom, finestLevel: GRID) { geojson features revision }
  }
`);

interface AreaProperties {
  code: string;
  name: string;
  level: string;
  parent_code: string;
  area_m2: number;
}

type Area = Feature<Geometry, AreaProperties>;

const NO_POINTS: readonly MapPoint[] = [];

export interface GridFocus {
  code: string;
  /** A new value zooms again to the same grid. */
  nonce: number;
}

export interface GridMapProps {
  scope: string;
  metric: MetricId;
  /** What the "reported" and "found" metrics count over (default: this Beijing month). */
  period?: Period;
  points: Record<PointKind, boolean>;
  focus?: GridFocus | null;
  /** The grids' names by code, once the boundaries are drawn. */
  onGridNames?: (names: ReadonlyMap<string, string>) => void;
  /** Ask the counts and points again this often (the big screen), in milliseconds. */
  refreshEvery?: number;
  dark?: boolean;
}

export function GridMap({ scope, metric: metricId, period, points, focus, onGridNames, refreshEvery, dark }: GridMapProps) {
  const { t } = useI18n();
  const config = usePortalConfig().map;
  const navigate = useNavigate();
  const metric = metricOf(metricId);
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const grids = useRef<L.GeoJSON | null>(null);
  const outlines = useRef<L.GeoJSON | null>(null);
  const byCode = useRef(new Map<string, L.Path>());
  const groups = useRef<Partial<Record<PointKind, L.LayerGroup>>>({});
  const fitted = useRef(false);
  const zooming = useRef(false);
  const follow = useRef((href: string) => navigate(href));
  follow.current = (href: string) => navigate(href);
  const [zoom, setZoom] = useState(config.zoom);
  const [box, setBox] = useState<MapBox | null>(null);
  const [hovered, setHovered] = useState<AreaProperties | null>(null);

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const created = L.map(element, {
      center: [config.center.latitude, config.center.longitude], zoom: config.zoom, maxZoom: config.maxZoom,
      zoomControl: false, attributionControl: false,
      // Quarter steps, so a jurisdiction fills the frame instead of the next whole zoom's half of it.
      zoomSnap: 0.25,
    });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: config.maxZoom }).addTo(created);
      if (config.attribution) L.control.attribution({ prefix: false }).addAttribution(config.attribution).addTo(created);
    }
    // Outlines of the coarser levels over the grids; the points above both.
    created.createPane("outlines").style.zIndex = "420";
    created.createPane("points").style.zIndex = "450";
    for (const kind of POINT_KINDS) groups.current[kind] = L.layerGroup().addTo(created);
    const moved = () => {
      setZoom(created.getZoom());
      const bounds = created.getBounds();
      setBox(boxOf({ west: bounds.getWest(), south: bounds.getSouth(), east: bounds.getEast(),
        north: bounds.getNorth() }));
    };
    created.on("moveend", moved);
    created.on("zoomstart", () => { zooming.current = true; });
    created.on("zoomend", () => { zooming.current = false; });
    moved();
    map.current = created;
    // The frame's size settles after the map is made (the page's style sheet arrives with its chunk, the big
    // screen's grid lays out): without telling Leaflet, it clips the shapes to the size it first saw.
    const resized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => created.invalidateSize());
    resized?.observe(element);
    return () => {
      resized?.disconnect();
      created.remove();
      map.current = null;
      grids.current = null;
      outlines.current = null;
      groups.current = {};
      fitted.current = false;
    };
  }, [config]);

  // The zoom buttons in the reader's language, made again when it changes (after the map: effects run in order).
  useEffect(() => {
    const current = map.current;
    if (current === null) return;
    const zoom = L.control.zoom({ zoomInTitle: t("map.zoomIn"), zoomOutTitle: t("map.zoomOut") }).addTo(current);
    return () => {
      zoom.remove();
    };
  }, [t, config]);

  const boundaries = useQuery(BoundaryLayer, { prefix: scope, zoom: zoomBand(zoom) });
  const geojson = boundaries.data?.boundaryLayer?.geojson;
  const areas = useMemo(() => (geojson ? (JSON.parse(geojson) as FeatureCollection<Geometry, AreaProperties>)
    .features : null), [geojson]);
  const gridAreas = useMemo(() => areas?.filter((a) => a.properties.level === "grid") ?? null, [areas]);

  const counts = useGridCounts(scope, metric, period);
  const values = counts.values;
  const bounds = useMemo(() => thresholds(Math.max(0, ...(values?.values() ?? []))), [values]);
  const valueOf = (code: string) => values?.get(code) ?? 0;
  const style = useRef<(area: Area | undefined) => L.PathOptions>(() => ({}));
  style.current = (area) => ({
    color: dark ? "#9fb3c8" : "#51606f", weight: 1, opacity: 0.9, fillOpacity: dark ? 0.9 : 0.75,
    fillColor: values === undefined ? (dark ? "#1c2c3d" : "#dfe4ea") : colourOf(valueOf(area?.properties.code ?? ""), bounds),
  });

  // The shapes: drawn again when the zoom band brings a new simplification; the old stay until then.
  useEffect(() => {
    const current = map.current;
    if (current === null || areas === null || gridAreas === null) return;
    grids.current?.remove();
    outlines.current?.remove();
    byCode.current = new Map();
    const drawn = L.geoJSON(gridAreas, {
      style: (feature) => style.current(feature as Area | undefined),
      onEachFeature: (feature: Area, layer) => {
        const path = layer as L.Path;
        byCode.current.set(feature.properties.code, path);
        path.on({
          mouseover: () => {
            path.setStyle({ weight: 3, color: dark ? "#ffffff" : "#1a1f24" });
            path.bringToFront();
            setHovered(feature.properties);
          },
          mouseout: () => {
            drawn.resetStyle(path);
            setHovered(null);
          },
          click: () => current.fitBounds((path as L.Polygon).getBounds()),
        });
      },
    }).addTo(current);
    for (const [code, path] of byCode.current) {
      path.getElement()?.setAttribute("data-code", code);
      path.getElement()?.classList.add("grid-area");
    }
    outlines.current = L.geoJSON(areas.filter((a) => a.properties.level !== "grid"), {
      pane: "outlines", interactive: false,
      style: (feature) => ({ color: dark ? "#e3ecf5" : "#0a2742", weight: feature?.properties.level === "community" ? 2 : 3,
        fill: false, opacity: 0.8 }),
    }).addTo(current);
    grids.current = drawn;
    if (!fitted.current && gridAreas.length + areas.length > 0) {
      const extent = (areas.length > gridAreas.length ? outlines.current : drawn).getBounds();
      if (extent.isValid()) current.fitBounds(extent, { padding: [12, 12] });
      fitted.current = true;
    }
    onGridNames?.(new Map(gridAreas.map((a) => [a.properties.code, a.properties.name])));
    // onGridNames is a notification; a new function from the parent is no reason to draw again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [areas, gridAreas, dark]);

  // The colours: a new metric or new figures restyle the drawn shapes.
  useEffect(() => {
    grids.current?.resetStyle();
  }, [values, bounds, areas]);

  useEffect(() => {
    const current = map.current;
    const path = focus ? byCode.current.get(focus.code) : undefined;
    if (!path || !current) return;
    const show = () => current.fitBounds((path as L.Polygon).getBounds(), { maxZoom: 17 });
    // Leaflet drops a zoom asked for while one is animating (the first fit, a wheel turn): wait for its end.
    if (zooming.current) current.once("zoomend", show);
    else show();
  }, [focus]);

  const layers = usePointLayers(box, points, t);
  const shownPoints = (kind: PointKind) => (points[kind] ? layers[kind].answer?.points ?? NO_POINTS : NO_POINTS);
  const casePoints = shownPoints("cases");
  const firePoints = shownPoints("firePlaces");
  const pollutionPoints = shownPoints("pollutionSources");
  useEffect(() => {
    // Markers as large as the text around them: twice the size on a 4K wall whose text is twice as large.
    const scale = container.current ? (parseFloat(getComputedStyle(container.current).fontSize) || 16) / 16 : 1;
    const drawn: Record<PointKind, readonly MapPoint[]> = {
      cases: casePoints, firePlaces: firePoints, pollutionSources: pollutionPoints };
    for (const kind of POINT_KINDS) {
      const group = groups.current[kind];
      if (group) drawPoints(group, kind, drawn[kind], (href) => follow.current(href), scale);
    }
  }, [casePoints, firePoints, pollutionPoints]);

  // The big screen's poll: the latest refetches, read when the timer fires.
  const refetches = useRef<() => void>(() => undefined);
  refetches.current = () => {
    counts.refetch();
    for (const kind of POINT_KINDS) if (points[kind]) layers[kind].query.refetch();
  };
  useEffect(() => {
    if (!refreshEvery) return;
    const timer = window.setInterval(() => refetches.current(), refreshEvery);
    return () => window.clearInterval(timer);
  }, [refreshEvery]);

  const legend = legendOf(bounds);
  const metricLabel = t(metric.label);
  const sorted = useMemo(() => [...(gridAreas ?? [])].sort((a, b) =>
    (values?.get(b.properties.code) ?? 0) - (values?.get(a.properties.code) ?? 0)
    || a.properties.code.localeCompare(b.properties.code)), [gridAreas, values]);
  return (
    <div className={dark ? "grid-map-block grid-map-dark" : "grid-map-block"}>
      <div className="grid-map-frame">
        <div ref={container} className="grid-map" role="region" aria-label={t("map.region")}
          data-testid="grid-map" data-grids={gridAreas?.length ?? ""} />
        <div className="map-info" data-testid="map-info">
          <strong>{metricLabel}</strong>
          {hovered ? (
            <p>{hovered.name} <small>{hovered.code}</small><br />
              {t("map.gridValue", { metric: metricLabel, value: valueOf(hovered.code) })}</p>
          ) : <p>{t("map.hoverHint")}</p>}
        </div>
        {values !== undefined ? (
          <div className="map-legend" data-testid="map-legend">
            <strong>{t("map.legend", { metric: metricLabel })}</strong>
            <ul>
              {legend.map((entry) => (
                <li key={entry.from}>
                  <span className="map-swatch" style={{ background: entry.colour }} aria-hidden="true" />
                  {entry.to === entry.from ? String(entry.from)
                    : entry.to === null ? t("map.rangeOpen", { from: entry.from })
                      : t("map.range", { from: entry.from, to: entry.to })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <div className="map-status" data-testid="map-status">
        {boundaries.error ? <Notice kind="error">{t("map.layerFailed", {
          layer: t("map.layer.boundaries"), reason: errorMessage(boundaries.error, t) })}</Notice> : null}
        {gridAreas !== null && gridAreas.length === 0 ? <Notice kind="info">{t("map.noBoundaries")}</Notice> : null}
        {counts.error ? <Notice kind="error">{t("map.layerFailed", {
          layer: metricLabel, reason: errorMessage(counts.error, t) })}</Notice> : null}
        {POINT_KINDS.filter((kind) => points[kind]).map((kind) => {
          const { answer, query } = layers[kind];
          const layer = t(POINT_LABELS[kind]);
          if (query.error) {
            return <Notice key={kind} kind="error">{t("map.layerFailed", {
              layer, reason: errorMessage(query.error, t) })}</Notice>;
          }
          if (!answer) return <Notice key={kind} kind="info">{t("map.loadingLayer", { layer })}</Notice>;
          if (answer.truncated) {
            const words = t("map.truncatedDefault", { limit: answer.limit });
            return (
              <Notice key={kind} kind="warning">
                <span data-testid={`truncated-${kind}`}>{t("map.truncated", { layer, message: words })}</span>
                {answer.message ? <> <span lang="en">（{answer.message}）</span></> : null}
              </Notice>
            );
          }
          return <Notice key={kind} kind="info">{t("map.pointsShown", { layer, count: answer.points.length })}</Notice>;
        })}
      </div>
      {gridAreas && gridAreas.length > 0 && !dark ? (
        <details className="map-table">
          <summary>{t("map.table")}</summary>
          <table>
            <thead>
              <tr><th scope="col">{t("map.grid")}</th><th scope="col">{t("map.code")}</th>
                <th scope="col">{metricLabel}</th></tr>
            </thead>
            <tbody>
              {sorted.map((a) => (
                <tr key={a.properties.code}>
                  <td>{a.properties.name}</td><td>{a.properties.code}</td><td>{valueOf(a.properties.code)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
