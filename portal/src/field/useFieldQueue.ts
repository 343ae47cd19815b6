// The phone's queue of unsent reports: its count, the connection state, and a replay when the connection returns.
import { useCallback, useEffect, useState } from "react";
import { useApi } from "../api/hooks";
import { useSession } from "../auth/session";
import { OfflineQueue, type QueuedWrite, type ReplayResult } from "./offlineQueue";
import { refusalOf, sendReport, type ReportVariables } from "./reportCase";

export interface FieldQueue {
  online: boolean;
  pending: number;
  syncing: boolean;
  last: ReplayResult | null;
  /** Queues the write, then sends everything queued if the phone is online. */
  submit: (write: QueuedWrite<ReportVariables>) => Promise<ReplayResult | null>;
  sync: () => Promise<ReplayResult | null>;
}

export function useFieldQueue(): FieldQueue {
  const api = useApi();
  const subject = useSession().session?.subject ?? "";
  const [queue, setQueue] = useState<OfflineQueue | null>(null);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [pending, setPending] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const [last, setLast] = useState<ReplayResult | null>(null);

  useEffect(() => {
    let opened: OfflineQueue | null = null;
    void OfflineQueue.open().then((q) => {
      opened = q;
      setQueue(q);
      void q.pending(subject).then(setPending);
    });
    return () => opened?.close();
  }, [subject]);

  const sync = useCallback(async () => {
    // Offline, a request would only fail: nothing is sent until the browser says the connection is back.
    if (queue === null || !navigator.onLine) return null;
    setSyncing(true);
    try {
      const result = await queue.replay(async (write) => {
        await sendReport(api, write as QueuedWrite<ReportVariables>);
      }, refusalOf, subject);
      setLast(result);
      return result;
    } finally {
      setPending(await queue.pending(subject));
      setSyncing(false);
    }
  }, [api, queue, subject]);

  useEffect(() => {
    const up = () => { setOnline(true); void sync(); };
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    if (navigator.onLine) void sync();
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, [sync]);

  const submit = useCallback(async (write: QueuedWrite<ReportVariables>) => {
    if (queue === null) return null;
    await queue.add({ ...write, subject });
    setPending(await queue.pending(subject));
    return sync();
  }, [queue, sync, subject]);

  return { online, pending, syncing, last, submit, sync };
}
