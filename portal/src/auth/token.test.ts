import { describe, expect, it } from "vitest";
import { decodeSession, isExpired } from "./token";

function jwt(claims: object): string {
  const encode = (value: object) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${encode({ alg: "EdDSA" })}.${encode(claims)}.signature`;
}

describe("decodeSession", () => {
  it("reads the subject, the grants, the department and the expiry", () => {
    const token = jwt({ sub: "demo-handling-unit", exp: 2000, department: "community_workstation",
      roles: [{ role: "handling_unit", scope: "110108001001" }, { role: "auditor", scope: "110108" }] });
    expect(decodeSession(token)).toEqual({ token, subject: "demo-handling-unit", department: "community_workstation",
      grants: [{ role: "handling_unit", scope: "110108001001" }, { role: "auditor", scope: "110108" }],
      expiresAt: 2_000_000 });
  });

  it("reads UTF-8 claims", () => {
    expect(decodeSession(jwt({ sub: "网格员", exp: 1 }))?.subject).toBe("网格员");
  });

  it("drops malformed grants and refuses what is no token", () => {
    expect(decodeSession(jwt({ sub: "a", exp: 1, roles: [{ role: 1 }, "x", { role: "r", scope: "s" }] }))?.grants)
      .toEqual([{ role: "r", scope: "s" }]);
    expect(decodeSession("not-a-token")).toBeNull();
    expect(decodeSession("a.%%%.c")).toBeNull();
    expect(decodeSession(jwt({ exp: 1 }))).toBeNull();
    expect(decodeSession(jwt({ sub: "a" }))).toBeNull();
  });
});

describe("isExpired", () => {
  it("counts a token about to expire as expired", () => {
    const session = decodeSession(jwt({ sub: "a", exp: 100 }));
    if (session === null) throw new Error("no session");
    expect(isExpired(session, 90_000)).toBe(false);
    expect(isExpired(session, 96_000)).toBe(true);
    expect(isExpired(session, 100_001)).toBe(true);
  });
});
