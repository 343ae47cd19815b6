// What each role finds in the menu, and where it lands after signing in. The gateway still decides access.
import type { MessageKey } from "../i18n/zh-CN";

export interface MenuItem {
  path: string;
  label: MessageKey;
  /** Lit only on this very path, not on the pages below it (the report page is not lit on today's work). */
  end?: boolean;
}

export const CENTRE_ROLES = ["district_admin", "street_staff", "community_staff"] as const;

const DASHBOARD: MenuItem = { path: "/dashboard", label: "nav.dashboard" };
const CASES: MenuItem = { path: "/cases", label: "nav.cases" };
const UNIT: MenuItem = { path: "/unit", label: "nav.unit" };
const AUDIT: MenuItem = { path: "/audit", label: "nav.audit" };
const FIELD_TODAY: MenuItem = { path: "/field/today", label: "nav.fieldToday" };
const FIELD: MenuItem = { path: "/field", label: "nav.field", end: true };
const FIELD_PATROL: MenuItem = { path: "/field/patrol", label: "nav.fieldPatrol" };
const FIRE: MenuItem = { path: "/fire", label: "nav.fire" };
const ENVIRONMENT: MenuItem = { path: "/environment", label: "nav.environment" };
const REGISTRY: MenuItem = { path: "/registry", label: "nav.registry" };
const MAP: MenuItem = { path: "/map", label: "nav.map" };
const BIG_SCREEN: MenuItem = { path: "/big-screen", label: "nav.bigScreen" };
const EVALUATION: MenuItem = { path: "/evaluation", label: "nav.evaluation" };

export function isCentre(role: string): boolean {
  return (CENTRE_ROLES as readonly string[]).includes(role);
}

/** The menu of a role, its home page first. */
export function menuFor(role: string): MenuItem[] {
  if (isCentre(role)) return [DASHBOARD, CASES, MAP, BIG_SCREEN, EVALUATION, FIRE, ENVIRONMENT, REGISTRY];
  switch (role) {
    case "handling_unit":
      return [UNIT, CASES];
    case "grid_worker":
      return [FIELD_TODAY, FIELD, CASES, REGISTRY];
    case "auditor":
      return [AUDIT];
    case "fire_inspector":
    case "fire_department":
      return [FIRE];
    case "environment_bureau":
      return [ENVIRONMENT];
    case "grid_leader":
      return [ENVIRONMENT, FIELD_PATROL];
    default:
      return [CASES];
  }
}

export function homePath(role: string | undefined): string {
  return role === undefined ? "/sign-in" : (menuFor(role)[0]?.path ?? "/cases");
}

/** A same-origin path to return to after signing in; anything else goes home. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return null;
  return next;
}
