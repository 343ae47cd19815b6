// The last answer of a query kept in localStorage, so a phone page still shows the last known list offline.
import { useEffect, useState } from "react";
import { useQuery } from "../api/hooks";
import type { ApiError } from "../api/errors";
import type { TypedDocumentString } from "../gql/graphql";
import { loadSession } from "../auth/storage";

export interface Stored<R> {
  /** When the answer arrived (ISO 8601), shown as "last updated". */
  at: string;
  data: R;
}

export interface LastKnown<R> {
  /** The fresh answer, or else the last one kept. */
  data: R | undefined;
  /** When the shown answer arrived; undefined when nothing has arrived yet. */
  updatedAt: string | undefined;
  /** True when what is shown is the kept answer, not a fresh one. */
  stale: boolean;
  error: ApiError | undefined;
  loading: boolean;
  refetch: () => void;
}

const PREFIX = "gridgov.field.today.";

/** The storage key of one list for one user and grid: a kept list is never shown to someone else signed in on the
 * phone, nor for another grid the same person holds. */
export function storageKey(name: string, subject: string, grid: string): string {
  return `${PREFIX}${subject}.${grid}.${name}`;
}

/** Drops every kept list: signing out leaves no household or case on the phone for the next person. */
export function clearLastKnown(storage: Storage = localStorage): void {
  for (let i = storage.length - 1; i >= 0; i -= 1) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX)) storage.removeItem(key);
  }
}

export function readStored<R>(key: string): Stored<R> | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(key) ?? "null") as Stored<R> | null;
    return stored && typeof stored.at === "string" ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the query while online and keeps each answer; offline (or when it fails) shows the kept answer. */
export function useLastKnown<R, V>(key: string, document: TypedDocumentString<R, V>, variables: V, online: boolean,
  skip = false): LastKnown<R> {
  const query = useQuery(document, variables, skip || !online);
  const [kept, setKept] = useState(() => ({ key, stored: readStored<R>(key) }));
  const stored = kept.key === key ? kept.stored : readStored<R>(key);
  useEffect(() => {
    if (query.data === undefined || query.loading || query.error !== undefined) return;
    // An answer that arrives after signing out is not kept: the next person on the phone must not find it.
    if (loadSession() === null) return;
    const answer: Stored<R> = { at: new Date().toISOString(), data: query.data };
    localStorage.setItem(key, JSON.stringify(answer));
    setKept({ key, stored: answer });
  }, [key, query.data, query.loading, query.error]);
  const fresh = query.data !== undefined && query.error === undefined && online;
  const data = fresh ? query.data : stored?.data ?? query.data;
  return {
    data, updatedAt: stored?.at, stale: !fresh && stored !== undefined, error: online ? query.error : undefined,
    loading: query.loading, refetch: query.refetch,
  };
}

/** Whether the browser says it is online, following its online and offline events. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  return online;
}
