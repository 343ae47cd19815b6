// Writes made without a connection, kept in IndexedDB until they are sent. Each carries the idempotency key it
// was made with, and keeps it through every retry: a replay after a lost answer is answered by the API as the
// first send was, so nothing is created twice.

const DATABASE = "gridgov-field";
const STORE = "writes";
const VERSION = 1;

export interface QueuedWrite<V = unknown> {
  /** The idempotency key: also the record's key, so one write is queued once. */
  key: string;
  operation: string;
  variables: V;
  /** Who made the write: it is sent only while they are signed in, never under someone else's token. */
  subject?: string;
  /** Milliseconds since the epoch; writes are replayed oldest first. */
  createdAt: number;
  /** The API's refusal, once it refused: kept for the user to see, not retried. */
  refused?: string;
}

/** A UUID v4, from the Web Crypto random source (randomUUID needs a secure context; an intranet may be plain HTTP). */
export function newIdempotencyKey(random: Crypto = crypto): string {
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export class OfflineQueue {
  private replaying: Promise<ReplayResult> | null = null;

  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = DATABASE): Promise<OfflineQueue> {
    const request = factory.open(name, VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "key" });
    };
    return new OfflineQueue(await promised(request));
  }

  private store(mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }

  /** Queues a write; the same key twice stays one write (the first). */
  async add(write: QueuedWrite): Promise<void> {
    const existing = await promised(this.store("readonly").get(write.key));
    if (existing === undefined) await promised(this.store("readwrite").add(write));
  }

  /** The writes queued, oldest first; with ``subject``, only that person's. */
  async list(subject?: string): Promise<QueuedWrite[]> {
    const all = (await promised(this.store("readonly").getAll())) as QueuedWrite[];
    return all.filter((w) => subject === undefined || (w.subject ?? "") === subject)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Writes still to send (not refused); with ``subject``, only that person's. */
  async pending(subject?: string): Promise<number> {
    return (await this.list(subject)).filter((w) => w.refused === undefined).length;
  }

  async remove(key: string): Promise<void> {
    await promised(this.store("readwrite").delete(key));
  }

  private async markRefused(write: QueuedWrite, reason: string): Promise<void> {
    await promised(this.store("readwrite").put({ ...write, refused: reason }));
  }

  /**
   * Sends the pending writes oldest first. A write the API took is removed; one it refused is kept as refused;
   * a network failure stops the replay (still offline) with the rest kept. Concurrent calls share one replay.
   * With ``subject``, only that person's writes are sent (another's wait until they sign in again).
   */
  replay(send: (write: QueuedWrite) => Promise<void>, refusal: (error: unknown) => string | null,
    subject?: string): Promise<ReplayResult> {
    if (this.replaying === null) {
      this.replaying = this.run(send, refusal, subject).finally(() => { this.replaying = null; });
    }
    return this.replaying;
  }

  private async run(send: (write: QueuedWrite) => Promise<void>,
    refusal: (error: unknown) => string | null, subject: string | undefined): Promise<ReplayResult> {
    const result: ReplayResult = { sent: [], refused: [], reasons: {}, stopped: false };
    for (const write of await this.list(subject)) {
      if (write.refused !== undefined) continue;
      try {
        await send(write);
      } catch (error) {
        const reason = refusal(error);
        if (reason === null) {
          result.stopped = true;
          break;
        }
        await this.markRefused(write, reason);
        result.refused.push(write.key);
        result.reasons[write.key] = reason;
        continue;
      }
      await this.remove(write.key);
      result.sent.push(write.key);
    }
    return result;
  }

  close(): void {
    this.db.close();
  }
}

export interface ReplayResult {
  sent: string[];
  refused: string[];
  /** Why the API refused each refused write, by key. */
  reasons: Record<string, string>;
  /** True when a network failure stopped the replay before the end. */
  stopped: boolean;
}
