import { beforeEach, describe, expect, it } from "vitest";
import { clearSession, expireSession, loadSession, storedSessionExpired, storeSession } from "./storage";

function jwt(claims: object): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${encode({ alg: "EdDSA" })}.${encode(claims)}.signature`;
}

describe("the session in the tab", () => {
  beforeEach(() => sessionStorage.clear());
  const live = () => jwt({ sub: "demo-street-staff", exp: Math.floor(Date.now() / 1000) + 3600 });

  it("remembers a session ended as expired, so a reload still says why, until the next sign-in", () => {
    storeSession(live());
    expect(storedSessionExpired()).toBe(false);
    expireSession();
    expect(loadSession()).toBeNull();
    expect(storedSessionExpired()).toBe(true);
    storeSession(live());
    expect(storedSessionExpired()).toBe(false);
  });

  it("says a held token that has run out is expired, and sign-out forgets both", () => {
    storeSession(jwt({ sub: "a", exp: 1 }));
    expect(loadSession()).toBeNull();
    expect(storedSessionExpired()).toBe(true);
    clearSession();
    expect(storedSessionExpired()).toBe(false);
    expireSession();
    clearSession();
    expect(storedSessionExpired()).toBe(false);
  });
});
