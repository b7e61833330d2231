import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationStore } from "./store.js";
import { guardStore, type StoreHealthReport } from "./store-guard.js";
import { createMemoryConversationStore } from "./store-memory.js";

const never = () => new Promise<never>(() => {});
const hungStore: ConversationStore = { get: never, set: never, close: () => {} };
const deadStore: ConversationStore = {
  get: async () => {
    throw new Error("ECONNREFUSED 127.0.0.1:6379");
  },
  set: () => {
    throw new Error("ECONNREFUSED 127.0.0.1:6379");
  },
  close: () => {},
};
const live = () => new AbortController().signal;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("guardStore", () => {
  it("passes values through from a healthy store", async () => {
    const guarded = guardStore({
      store: createMemoryConversationStore(),
      timeoutMs: 100,
      reportIntervalMs: 1000,
    });
    await guarded.set("a", "fe-1", live());
    expect(await guarded.get("a", live())).toBe("fe-1");
    expect(await guarded.get("b", live())).toBeUndefined();
  });

  it("gives up on a hung store after its timeout, reporting a TimeoutError", async () => {
    const reports: StoreHealthReport[] = [];
    const guarded = guardStore({
      store: hungStore,
      timeoutMs: 100,
      reportIntervalMs: 1000,
      onReport: (report) => reports.push(report),
    });
    let value: string | undefined | "pending" = "pending";
    void guarded.get("a", live()).then((v) => {
      value = v;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(value).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    expect(value).toBeUndefined();
    expect(reports).toMatchObject([{ kind: "outage", failures: 1, error: { name: "TimeoutError" } }]);
    expect(String((reports[0] as { error: Error }).error.message)).toMatch(
      /get did not answer within 100 ms/,
    );
  });

  it("stops waiting as soon as the agent's signal aborts, without reporting an outage", async () => {
    const reports: StoreHealthReport[] = [];
    const guarded = guardStore({
      store: hungStore,
      timeoutMs: 10_000,
      reportIntervalMs: 1000,
      onReport: (report) => reports.push(report),
    });
    const controller = new AbortController();
    const pending = guarded.set("a", "b", controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    expect(await guarded.get("a", controller.signal)).toBeUndefined();
    expect(reports).toEqual([]);
  });

  it("absorbs rejections and synchronous throws", async () => {
    const guarded = guardStore({ store: deadStore, timeoutMs: 100, reportIntervalMs: 1000 });
    expect(await guarded.get("a", live())).toBeUndefined();
    await expect(guarded.set("a", "b", live())).resolves.toBeUndefined();
  });

  it("reports an outage once per interval with the count of failed calls, then its recovery once", async () => {
    let healthy = false;
    const memory = createMemoryConversationStore();
    const flaky: ConversationStore = {
      get: (key) => (healthy ? memory.get(key) : deadStore.get(key)),
      set: (key, value) => (healthy ? memory.set(key, value) : deadStore.set(key, value)),
      close: () => {},
    };
    const reports: StoreHealthReport[] = [];
    const guarded = guardStore({
      store: flaky,
      timeoutMs: 100,
      reportIntervalMs: 60_000,
      onReport: (report) => reports.push(report),
      now: () => Date.now(),
    });
    for (let i = 0; i < 50; i++) await guarded.get(`k${i}`, live());
    expect(reports.map((r) => [r.kind, r.failures])).toEqual([["outage", 1]]);
    vi.setSystemTime(Date.now() + 60_000);
    await guarded.get("k", live());
    expect(reports.map((r) => [r.kind, r.failures])).toEqual([
      ["outage", 1],
      ["outage", 50],
    ]);
    healthy = true;
    await guarded.get("k", live());
    await guarded.get("k", live());
    expect(reports.map((r) => [r.kind, r.failures])).toEqual([
      ["outage", 1],
      ["outage", 50],
      ["recovered", 51],
    ]);
    // A new outage is reported at once, not held back by the previous interval.
    healthy = false;
    await guarded.get("k", live());
    expect(reports.at(-1)).toMatchObject({ kind: "outage", failures: 1 });
  });

  it("survives a report sink that throws", async () => {
    const guarded = guardStore({
      store: deadStore,
      timeoutMs: 100,
      reportIntervalMs: 0,
      onReport: () => {
        throw new Error("log sink down");
      },
    });
    expect(await guarded.get("a", live())).toBeUndefined();
  });
});
