import { describe, expect, it } from "vitest";
import { clearDrafts, loadDraft } from "./useDraft";

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() { return this.items.size; }
  clear() { this.items.clear(); }
  getItem(key: string) { return this.items.get(key) ?? null; }
  key(index: number) { return [...this.items.keys()][index] ?? null; }
  removeItem(key: string) { this.items.delete(key); }
  setItem(key: string, value: string) { this.items.set(key, value); }
}

describe("loadDraft", () => {
  it("gives the kept draft, or the initial values without one or with a broken one", () => {
    const storage = new MemoryStorage();
    expect(loadDraft("case:1:handleCase", { resolution: "" }, storage)).toEqual({ resolution: "" });
    storage.setItem("gridgov.draft.case:1:handleCase", JSON.stringify({ resolution: "已清运" }));
    expect(loadDraft("case:1:handleCase", { resolution: "" }, storage)).toEqual({ resolution: "已清运" });
    storage.setItem("gridgov.draft.case:1:handleCase", "{not json");
    expect(loadDraft("case:1:handleCase", { resolution: "" }, storage)).toEqual({ resolution: "" });
  });

  it("are all dropped at sign-out, and nothing else is", () => {
    const storage = new MemoryStorage();
    storage.setItem("gridgov.draft.a", "{}");
    storage.setItem("gridgov.draft.b", "{}");
    storage.setItem("gridgov.grant", "0");
    clearDrafts(storage);
    expect([storage.key(0), storage.length]).toEqual(["gridgov.grant", 1]);
  });
});
