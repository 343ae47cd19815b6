// What the portal reads from a bearer token: who, which roles at which scopes, until when. It never verifies:
// the gateway does, and the portal only hides what the roles cannot do.

export interface Grant {
  role: string;
  scope: string;
}

export interface Session {
  token: string;
  subject: string;
  department: string;
  grants: Grant[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

function base64UrlDecode(text: string): string {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The session a JWT stands for, or null for anything that is not one with a subject and an expiry. */
export function decodeSession(token: string): Session | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return null;
  }
  if (typeof claims !== "object" || claims === null) return null;
  const { sub, exp, roles, department } = claims as Record<string, unknown>;
  if (typeof sub !== "string" || typeof exp !== "number") return null;
  const grants = Array.isArray(roles)
    ? roles.filter((r): r is Grant => typeof r === "object" && r !== null
      && typeof (r as Grant).role === "string" && typeof (r as Grant).scope === "string")
      .map((r) => ({ role: r.role, scope: r.scope }))
    : [];
  return { token, subject: sub, department: typeof department === "string" ? department : "", grants,
    expiresAt: exp * 1000 };
}

/** Expired, or about to be (a request sent now would arrive after expiry). */
export function isExpired(session: Session, now = Date.now(), marginMs = 5000): boolean {
  return session.expiresAt - marginMs <= now;
}
