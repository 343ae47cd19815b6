// The phone's queue of unsent writes (reports, visits, inspections, patrols): its count, the writes the API
// refused, the connection state, and a replay when the connection returns.
import { useCallback, useEffect, useState } from "react";
import { useApi } from "../api/hooks";
import { useSession } from "../auth/session";
import { refusalOf, sendWrite } from "./fieldWrites";
import { OfflineQueue, type QueuedWrite, type ReplayResult } from "./offlineQueue";

export interface FieldQueue {
  online: boolean;
  pending: number;
  /** The signed-in person's writes still to send, oldest first. */
  waiting: QueuedWrite[];
  /** The signed-in person's writes the API refused, with its reason, until they dismiss them. */
  refused: QueuedWrite[];
  syncing: boolean;
  last: ReplayResult | null;
  /** Queues the write, then sends everything queued if the phone is online. */
  submit: (write: QueuedWrite) => Promise<ReplayResult | null>;
  sync: () => Promise<ReplayResult | null>;
  /** Drops a refused write once its reason has been read. */
  dismiss: (key: string) => Promise<void>;
}

export function useFieldQueue(): FieldQueue {
  const api = useApi();
  const subject = useSession().session?.subject ?? "";
  const [queue, setQueue] = useState<OfflineQueue | null>(null);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [waiting, setWaiting] = useState<QueuedWrite[]>([]);
  const [refused, setRefused] = useState<QueuedWrite[]>([]);
  const [syncing, setSyncing] = useState(false);
  const [last, setLast] = useState<ReplayResult | null>(null);

  const count = useCallback(async (q: OfflineQueue) => {
    const mine = await q.list(subject);
    setWaiting(mine.filter((w) => w.refused === undefined));
    setRefused(mine.filter((w) => w.refused !== undefined));
  }, [subject]);

  useEffect(() => {
    let opened: OfflineQueue | null = null;
    void OfflineQueue.open().then((q) => {
      opened = q;
      setQueue(q);
      void count(q);
    });
    return () => opened?.close();
  }, [count]);

  const sync = useCallback(async () => {
    // Offline, a request would only fail: nothing is sent until the browser says the connection is back.
    if (queue === null || !navigator.onLine) return null;
    setSyncing(true);
    try {
      const result = await queue.replay((write) => sendWrite(api, write), refusalOf, subject);
      setLast(result);
      return result;
    } finally {
      await count(queue);
      setSyncing(false);
    }
  }, [api, queue, subject, count]);

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

  const submit = useCallback(async (write: QueuedWrite) => {
    if (queue === null) return null;
    await queue.add({ ...write, subject });
    await count(queue);
    return sync();
  }, [queue, sync, subject, count]);

  const dismiss = useCallback(async (key: string) => {
    if (queue === null) return;
    await queue.remove(key);
    await count(queue);
  }, [queue, count]);

  return { online, pending: waiting.length, waiting, refused, syncing, last, submit, sync, dismiss };
}
