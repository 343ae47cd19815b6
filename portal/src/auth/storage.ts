// The session lives in sessionStorage: it ends with the tab and is not shared with other tabs.
import { decodeSession, isExpired, type Session } from "./token";

const TOKEN_KEY = "gridgov.token";
const GRANT_KEY = "gridgov.grant";
// Set when the session ran out (the token expired or the API said so), so a reload still tells the user why.
const EXPIRED_KEY = "gridgov.expired";

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const session = decodeSession(token);
  return session && !isExpired(session) ? session : null;
}

/** True when the tab still holds a token that has expired, or its session was ended as expired (the user is
 * told, then asked to sign in again). */
export function storedSessionExpired(): boolean {
  if (sessionStorage.getItem(EXPIRED_KEY) !== null) return true;
  const token = sessionStorage.getItem(TOKEN_KEY);
  const session = token ? decodeSession(token) : null;
  return session !== null && isExpired(session);
}

/** Ends the session as expired: the token goes, the reason stays until the next sign-in or sign-out. */
export function expireSession(): void {
  clearSession();
  sessionStorage.setItem(EXPIRED_KEY, "1");
}

/** Stores the token of a new session (acting as its first grant), or of a renewed one (keeping the grant). */
export function storeSession(token: string, renewed = false): Session | null {
  const session = decodeSession(token);
  if (session === null) return null;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(EXPIRED_KEY);
  if (!renewed) sessionStorage.setItem(GRANT_KEY, "0");
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(GRANT_KEY);
  sessionStorage.removeItem(EXPIRED_KEY);
}

export function loadGrantIndex(): number {
  return Number.parseInt(sessionStorage.getItem(GRANT_KEY) ?? "0", 10) || 0;
}

export function storeGrantIndex(index: number): void {
  sessionStorage.setItem(GRANT_KEY, String(index));
}
