import { describe, expect, it } from "vitest";
import { DEFAULT_CONVERSATION_TTL_SECONDS } from "./store.js";
import { createMemoryConversationStore } from "./store-memory.js";

describe("createMemoryConversationStore", () => {
  it("returns what was set, and the latest value for a key", () => {
    const store = createMemoryConversationStore();
    expect(store.get("a")).toBeUndefined();
    store.set("a", "fe-1");
    store.set("a", "fe-2");
    expect(store.get("a")).toBe("fe-2");
  });

  it("forgets an entry once its TTL (given, or the default of one day) has passed", () => {
    let clock = 0;
    const store = createMemoryConversationStore({ now: () => clock });
    store.set("short", "x", 10);
    store.set("default", "y");
    clock = 9_999;
    expect(store.get("short")).toBe("x");
    clock = 10_000;
    expect(store.get("short")).toBeUndefined();
    clock = DEFAULT_CONVERSATION_TTL_SECONDS * 1000 - 1;
    expect(store.get("default")).toBe("y");
    clock += 1;
    expect(store.get("default")).toBeUndefined();
  });

  it("renews the TTL on every write", () => {
    let clock = 0;
    const store = createMemoryConversationStore({ now: () => clock, ttlSeconds: 10 });
    store.set("a", "x");
    clock = 9_000;
    store.set("a", "x");
    clock = 18_000;
    expect(store.get("a")).toBe("x");
  });

  it("forgets the least recently written entry beyond maxEntries", () => {
    const store = createMemoryConversationStore({ maxEntries: 2 });
    store.set("a", "1");
    store.set("b", "2");
    store.set("a", "1");
    store.set("c", "3");
    expect([store.get("a"), store.get("b"), store.get("c")]).toEqual(["1", undefined, "3"]);
  });

  it("rejects a bad maxEntries or TTL, naming the option", () => {
    expect(() => createMemoryConversationStore({ maxEntries: 0 })).toThrow(
      /maxEntries must be a positive integer/,
    );
    expect(() => createMemoryConversationStore({ ttlSeconds: 1.5 })).toThrow(
      /ttlSeconds must be a positive integer/,
    );
    expect(() => createMemoryConversationStore().set("a", "b", -1)).toThrow(/ttlSeconds/);
  });
});
