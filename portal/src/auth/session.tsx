// The signed-in user for the whole portal: sign in, sign out, the role acted as, and expiry.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import {
  clearSession, expireSession, loadGrantIndex, loadSession, storedSessionExpired, storeGrantIndex, storeSession,
} from "./storage";
import type { Grant, Session } from "./token";
import { clearLastKnown } from "../field/lastKnown";
import { clearDrafts } from "../ui/useDraft";

interface SessionState {
  session: Session | null;
  /** The grant the portal acts as (a user with several roles switches between them). */
  grant: Grant | null;
  grantIndex: number;
  /** True once a session ended by expiry or refusal rather than by signing out. */
  expired: boolean;
  signIn: (token: string) => Session | null;
  /** A renewed token of the same user: the role acted as is kept. */
  renew: (token: string) => void;
  signOut: () => void;
  expire: () => void;
  switchGrant: (index: number) => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [grantIndex, setGrantIndex] = useState(loadGrantIndex);
  const [expired, setExpired] = useState(storedSessionExpired);

  const signIn = useCallback((token: string) => {
    const next = storeSession(token);
    setSession(next);
    setGrantIndex(0);
    setExpired(false);
    return next;
  }, []);
  const renew = useCallback((token: string) => {
    const next = storeSession(token, true);
    if (next !== null) setSession(next);
  }, []);
  const signOut = useCallback(() => {
    clearSession();
    clearDrafts();
    clearLastKnown();
    setSession(null);
    setExpired(false);
  }, []);
  const expire = useCallback(() => {
    expireSession();
    setSession(null);
    setExpired(true);
  }, []);
  const switchGrant = useCallback((index: number) => {
    storeGrantIndex(index);
    setGrantIndex(index);
  }, []);

  useEffect(() => {
    if (session === null) return;
    const timer = window.setTimeout(expire, Math.max(0, session.expiresAt - Date.now() - 5000));
    return () => window.clearTimeout(timer);
  }, [session, expire]);

  const value = useMemo<SessionState>(() => {
    const grants = session?.grants ?? [];
    const index = grantIndex < grants.length ? grantIndex : 0;
    return { session, grant: grants[index] ?? null, grantIndex: index, expired, signIn, renew, signOut, expire,
      switchGrant };
  }, [session, grantIndex, expired, signIn, renew, signOut, expire, switchGrant]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const found = useContext(SessionContext);
  if (found === null) throw new Error("useSession outside SessionProvider");
  return found;
}
