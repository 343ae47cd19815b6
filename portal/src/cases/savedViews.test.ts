import { describe, expect, it } from "vitest";
import { filtersFrom } from "./filters";
import { deleteView, loadViews, nameProblem, NAME_MAX, saveView, viewParams, viewsKey } from "./savedViews";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  full = false;
  get length() { return this.items.size; }
  clear() { this.items.clear(); }
  getItem(key: string) { return this.items.get(key) ?? null; }
  key(index: number) { return [...this.items.keys()][index] ?? null; }
  removeItem(key: string) { this.items.delete(key); }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  }
}

const OVERDUE = filtersFrom(new URLSearchParams("dueStatus=OVERDUE&jurisdictionPrefix=110108&text=%E5%9E%83%E5%9C%BE"));

describe("saved views", () => {
  it("save the URL's filters under a trimmed name, in the order saved, and survive a reload", () => {
    const storage = new MemoryStorage();
    expect(saveView("alice", "  超期垃圾 ", OVERDUE, storage)).toEqual({ problem: null,
      views: [{ name: "超期垃圾", query: "dueStatus=OVERDUE&text=%E5%9E%83%E5%9C%BE&jurisdictionPrefix=110108" }] });
    saveView("alice", "全部", filtersFrom(new URLSearchParams()), storage);
    expect(loadViews("alice", storage).map((v) => v.name)).toEqual(["超期垃圾", "全部"]);
    expect(loadViews("alice", storage)[1]?.query).toBe("");
  });

  it("refuse an empty, too long or already used name, and change nothing", () => {
    const storage = new MemoryStorage();
    saveView("alice", "Overdue", OVERDUE, storage);
    const before = storage.getItem(viewsKey("alice"));
    expect(saveView("alice", " overdue ", OVERDUE, storage).problem).toBe("taken");
    expect(saveView("alice", "   ", OVERDUE, storage).problem).toBe("required");
    expect(saveView("alice", "案".repeat(NAME_MAX + 1), OVERDUE, storage).problem).toBe("tooLong");
    expect(storage.getItem(viewsKey("alice"))).toBe(before);
    expect(nameProblem([], "案".repeat(NAME_MAX))).toBeNull();
  });

  it("belong to one subject: another user on the same computer neither sees them nor is refused their names", () => {
    const storage = new MemoryStorage();
    saveView("alice", "超期", OVERDUE, storage);
    expect(loadViews("bob", storage)).toEqual([]);
    expect(saveView("bob", "超期", filtersFrom(new URLSearchParams("state=CLOSED")), storage).problem).toBeNull();
    expect(loadViews("alice", storage)[0]?.query).toContain("OVERDUE");
    expect(loadViews("bob", storage)[0]?.query).toBe("state=CLOSED");
  });

  it("delete one view by name, leaving the others and other users' views", () => {
    const storage = new MemoryStorage();
    saveView("alice", "一", OVERDUE, storage);
    saveView("alice", "二", OVERDUE, storage);
    saveView("bob", "一", OVERDUE, storage);
    expect(deleteView("alice", "一", storage).map((v) => v.name)).toEqual(["二"]);
    expect(loadViews("alice", storage).map((v) => v.name)).toEqual(["二"]);
    expect(loadViews("bob", storage).map((v) => v.name)).toEqual(["一"]);
    expect(deleteView("alice", "不存在", storage).map((v) => v.name)).toEqual(["二"]);
  });

  it("ignore a corrupt stored value, and skip entries that are not views", () => {
    const storage = new MemoryStorage();
    storage.setItem(viewsKey("alice"), "{not json");
    expect(loadViews("alice", storage)).toEqual([]);
    storage.setItem(viewsKey("alice"), JSON.stringify({ name: "x", query: "" }));
    expect(loadViews("alice", storage)).toEqual([]);
    storage.setItem(viewsKey("alice"), JSON.stringify([null, 3, { name: 1, query: "" }, { name: "好", query: "tier=STREET",
      extra: true }]));
    expect(loadViews("alice", storage)).toEqual([{ name: "好", query: "tier=STREET" }]);
    // A corrupt value does not stop the user saving again: the new list replaces it.
    storage.setItem(viewsKey("alice"), "{not json");
    expect(saveView("alice", "新", OVERDUE, storage).views.map((v) => v.name)).toEqual(["新"]);
  });

  it("report a storage that refuses the write", () => {
    const storage = new MemoryStorage();
    storage.full = true;
    expect(saveView("alice", "超期", OVERDUE, storage)).toEqual({ views: [], problem: "unavailable" });
  });

  it("apply only the filters the case list knows", () => {
    expect(viewParams({ name: "x", query: "state=DISPATCHED&evil=1&tier=" }).toString()).toBe("state=DISPATCHED");
  });
});
