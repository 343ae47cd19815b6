// The point layers of the view's box: cases, fire-safety places, pollution sources, each its own request.
import L from "leaflet";
import { useMemo } from "react";
import { useQuery, type QueryState } from "../api/hooks";
import { graphql } from "../gql";
import type { Translate } from "../i18n/i18n";
import { label } from "../i18n/labels";
import type { MessageKey } from "../i18n/zh-CN";
import type { MapBox } from "./choropleth";

const CasePoints = graphql(`
  query MapCasePoints($box: MapBoxInput!) {
    casePoints(box: $box) {
      points { id number categoryCode state dueStatus jurisdictionCode location { latitude longitude } urgent supervised }
      truncated limit message
    }
  }
`);

const FirePlacePoints = graphql(`
  query MapFirePlacePoints($box: MapBoxInput!) {
    firePlacePoints(box: $box) {
      points { id name type riskLevel jurisdictionCode location { latitude longitude } nextDueOn }
      truncated limit message
    }
  }
`);

const PollutionSourcePoints = graphql(`
  query MapPollutionSourcePoints($box: MapBoxInput!) {
    pollutionSourcePoints(box: $box) {
      points { id name sourceType status jurisdictionCode location { latitude longitude } }
      truncated limit message
    }
  }
`);

export type PointKind = "cases" | "firePlaces" | "pollutionSources";
export const POINT_KINDS: readonly PointKind[] = ["cases", "firePlaces", "pollutionSources"];
export const POINT_LABELS: Record<PointKind, MessageKey> = {
  cases: "map.layer.cases", firePlaces: "map.layer.firePlaces", pollutionSources: "map.layer.pollutionSources",
};

export interface MapPoint {
  id: string;
  latitude: number;
  longitude: number;
  /** Shown on hover (as text, never as markup: names come from people). */
  title: string;
  colour: string;
  /** Where a click goes, if anywhere. */
  href: string | null;
}

export interface PointAnswer {
  points: MapPoint[];
  truncated: boolean;
  limit: number;
  message?: string | null;
}

export interface PointLayerState {
  answer: PointAnswer | undefined;
  query: Pick<QueryState<unknown>, "error" | "loading" | "refetch">;
}

const DUE_COLOURS: Record<string, string> = { OVERDUE: "#a4161a", DUE_SOON: "#b35c00" };
const RISK_COLOURS: Record<string, string> = { HIGH: "#c92a2a", MEDIUM: "#e8590c", LOW: "#2b8a3e" };

/** The three layers for the box; a layer switched off (or no box yet) asks nothing. */
export function usePointLayers(box: MapBox | null, shown: Record<PointKind, boolean>,
                               t: Translate): Record<PointKind, PointLayerState> {
  const variables = { box: box ?? { west: 0, south: 0, east: 1, north: 1 } };
  const cases = useQuery(CasePoints, variables, box === null || !shown.cases);
  const fire = useQuery(FirePlacePoints, variables, box === null || !shown.firePlaces);
  const pollution = useQuery(PollutionSourcePoints, variables, box === null || !shown.pollutionSources);
  const caseAnswer = cases.data?.casePoints;
  const fireAnswer = fire.data?.firePlacePoints;
  const pollutionAnswer = pollution.data?.pollutionSourcePoints;
  // Memoised, so the map draws a layer's markers again only when its answer (or the language) changes.
  const casePoints = useMemo<PointAnswer | undefined>(() => caseAnswer ? {
    ...caseAnswer,
    points: caseAnswer.points.map((p) => ({
      id: p.id, latitude: p.location.latitude, longitude: p.location.longitude,
      title: t("map.casePoint", { number: p.number, state: label(t, "caseState", p.state) }),
      colour: DUE_COLOURS[p.dueStatus ?? ""] ?? "#0b4f8a", href: `/cases/${encodeURIComponent(p.id)}`,
    })),
  } : undefined, [caseAnswer, t]);
  const firePoints = useMemo<PointAnswer | undefined>(() => fireAnswer ? {
    ...fireAnswer,
    points: fireAnswer.points.map((p) => ({
      id: p.id, latitude: p.location.latitude, longitude: p.location.longitude, title: p.name,
      colour: RISK_COLOURS[p.riskLevel] ?? "#e8590c", href: `/fire/places/${encodeURIComponent(p.id)}`,
    })),
  } : undefined, [fireAnswer]);
  const pollutionPoints = useMemo<PointAnswer | undefined>(() => pollutionAnswer ? {
    ...pollutionAnswer,
    points: pollutionAnswer.points.map((p) => ({
      id: p.id, latitude: p.location.latitude, longitude: p.location.longitude, title: p.name,
      colour: "#5f3dc4", href: null,
    })),
  } : undefined, [pollutionAnswer]);
  return {
    cases: { query: cases, answer: casePoints },
    firePlaces: { query: fire, answer: firePoints },
    pollutionSources: { query: pollution, answer: pollutionPoints },
  };
}

/** Draws a layer's points into its group (emptied first); a point with an href follows it on click. */
export function drawPoints(group: L.LayerGroup, kind: PointKind, points: readonly MapPoint[],
                           follow: (href: string) => void, scale = 1): void {
  group.clearLayers();
  for (const point of points) {
    const marker = L.circleMarker([point.latitude, point.longitude], {
      pane: "points", radius: (kind === "cases" ? 6 : 7) * scale, weight: 2 * scale, color: "#ffffff",
      fillColor: point.colour,
      fillOpacity: 0.95, className: `map-point map-point-${kind}`,
    });
    const title = document.createElement("span");
    title.textContent = point.title;
    marker.bindTooltip(title, { direction: "top", offset: [0, -6] });
    if (point.href !== null) {
      const href = point.href;
      marker.on("click", () => follow(href));
    }
    marker.addTo(group);
    marker.getElement()?.setAttribute("data-id", point.id);
  }
}
