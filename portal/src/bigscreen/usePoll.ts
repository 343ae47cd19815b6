// The big screen asks again on a timer: the latest callback, called every ``ms`` while the page is open.
import { useEffect, useRef } from "react";

export const POLL_MS = 30_000;

export function usePoll(callback: () => void, ms: number = POLL_MS): void {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    const timer = window.setInterval(() => latest.current(), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
}
