// Form input kept in the tab's sessionStorage until it is sent: a session that expires mid-form sends the user to
// sign in and back, and the form opens again with what was typed.
import { useCallback, useRef, useState } from "react";

const PREFIX = "gridgov.draft.";

export function loadDraft<T>(key: string, initial: T, storage: Storage = sessionStorage): T {
  try {
    const raw = storage.getItem(PREFIX + key);
    return raw === null ? initial : (JSON.parse(raw) as T);
  } catch {
    return initial;
  }
}

/** The form's values under ``key`` (restored when a draft is kept), a setter that keeps them, and a clear for
 * when they were sent. */
export function useDraft<T>(key: string, initial: T): [T, (value: T) => void, () => void] {
  const first = useRef(initial);
  const [value, setValue] = useState<T>(() => loadDraft(key, initial));
  const keep = useCallback((next: T) => {
    setValue(next);
    try {
      sessionStorage.setItem(PREFIX + key, JSON.stringify(next));
    } catch {
      // A full or unavailable storage loses only the draft, never the form.
    }
  }, [key]);
  const clear = useCallback(() => {
    sessionStorage.removeItem(PREFIX + key);
    setValue(first.current);
  }, [key]);
  return [value, keep, clear];
}

/** Drops every draft of the tab: signing out leaves nothing typed for the next person at this desk. */
export function clearDrafts(storage: Storage = sessionStorage): void {
  for (let i = storage.length - 1; i >= 0; i -= 1) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX)) storage.removeItem(key);
  }
}
