import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { newIdempotencyKey, OfflineQueue, type QueuedWrite } from "./offlineQueue";

let n = 0;
const fresh = () => OfflineQueue.open(indexedDB, `test-${(n += 1)}`);
const write = (key: string, createdAt: number): QueuedWrite => ({ key, operation: "reportCase", variables: { key },
  createdAt });
const offline = new TypeError("Failed to fetch");
const refusal = (error: unknown) => (error === offline ? null : String(error));

describe("OfflineQueue", () => {
  it("keeps a write once per idempotency key and lists oldest first", async () => {
    const queue = await fresh();
    await queue.add(write("b", 2));
    await queue.add(write("a", 1));
    await queue.add({ ...write("a", 3), variables: "changed" });
    expect((await queue.list()).map((w) => [w.key, w.createdAt])).toEqual([["a", 1], ["b", 2]]);
    expect(await queue.pending()).toBe(2);
  });

  it("sends each write with its own key, removes what the API took, stops when offline", async () => {
    const queue = await fresh();
    await queue.add(write("a", 1));
    await queue.add(write("b", 2));
    await queue.add(write("c", 3));
    const sent: string[] = [];
    const first = await queue.replay(async (w) => {
      if (w.key === "b") throw offline;
      sent.push(w.key);
    }, refusal);
    expect(first).toEqual({ sent: ["a"], refused: [], reasons: {}, stopped: true });
    expect((await queue.list()).map((w) => w.key)).toEqual(["b", "c"]);
    const second = await queue.replay(async (w) => { sent.push(w.key); }, refusal);
    expect(second).toEqual({ sent: ["b", "c"], refused: [], reasons: {}, stopped: false });
    expect(sent).toEqual(["a", "b", "c"]);
    expect(await queue.pending()).toBe(0);
  });

  it("replays a write whose answer was lost with the same key (the API answers as before)", async () => {
    const queue = await fresh();
    await queue.add(write("k", 1));
    const keys: string[] = [];
    await queue.replay(async (w) => { keys.push(w.key); throw offline; }, refusal); // sent, answer lost
    await queue.replay(async (w) => { keys.push(w.key); }, refusal);
    expect(keys).toEqual(["k", "k"]);
  });

  it("keeps a refused write aside with its reason and does not retry it", async () => {
    const queue = await fresh();
    await queue.add(write("bad", 1));
    const result = await queue.replay(async () => { throw new Error("INVALID_ARGUMENT"); }, refusal);
    expect(result.refused).toEqual(["bad"]);
    expect(result.reasons).toEqual({ bad: "Error: INVALID_ARGUMENT" });
    expect(await queue.pending()).toBe(0);
    expect((await queue.list())[0]?.refused).toBe("Error: INVALID_ARGUMENT");
    let calls = 0;
    await queue.replay(async () => { calls += 1; }, refusal);
    expect(calls).toBe(0);
  });

  it("runs one replay at a time: two triggers send each write once", async () => {
    const queue = await fresh();
    await queue.add(write("once", 1));
    let calls = 0;
    const send = async () => { calls += 1; await new Promise((r) => setTimeout(r, 10)); };
    await Promise.all([queue.replay(send, refusal), queue.replay(send, refusal)]);
    expect(calls).toBe(1);
  });
});

describe("OfflineQueue per person", () => {
  it("sends only the signed-in person's writes and counts only theirs", async () => {
    const queue = await fresh();
    await queue.add({ ...write("mine", 1), subject: "worker-a" });
    await queue.add({ ...write("theirs", 2), subject: "worker-b" });
    expect(await queue.pending("worker-a")).toBe(1);
    const sent: string[] = [];
    const result = await queue.replay(async (w) => { sent.push(w.key); }, refusal, "worker-a");
    expect(result.sent).toEqual(["mine"]);
    expect(sent).toEqual(["mine"]);
    expect((await queue.list()).map((w) => w.key)).toEqual(["theirs"]);
    expect(await queue.pending("worker-b")).toBe(1);
  });
});

describe("newIdempotencyKey", () => {
  it("makes distinct version-4 UUIDs", () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
