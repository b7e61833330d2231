// Store calls that can never cost the reply: each is bounded by its own short timeout and by the
// agent's signal, and a failure becomes "no mapping" instead of an error. A store outage is
// reported once per interval (with the count of failed calls), not once per request, so that a
// dead store under load does not flood the logs.
import type { ConversationStore } from "./store.js";

/** Default bound of one store call: far above a healthy store's latency, far below CAAC's deadline. */
export const DEFAULT_STORE_TIMEOUT_MS = 500;
/** Default shortest time between two outage reports. */
export const DEFAULT_STORE_REPORT_INTERVAL_MS = 60_000;

/** What the guard reports about the store's health. */
export type StoreHealthReport =
  /** Store calls failed; `failures` counts those since the previous report (this one included). */
  | { kind: "outage"; error: unknown; failures: number }
  /** A call succeeded after a reported outage; `failures` counts the calls that failed meanwhile. */
  | { kind: "recovered"; failures: number };

/** Options of {@link guardStore}. */
export type StoreGuardOptions = {
  store: ConversationStore;
  /** Bound of each call, in ms. */
  timeoutMs: number;
  /** Shortest time between two outage reports, in ms. */
  reportIntervalMs: number;
  /** Receives outage and recovery reports. */
  onReport?: (report: StoreHealthReport) => void;
  /** The clock, in ms. Default: `Date.now`. */
  now?: () => number;
};

/** The store as the bridge uses it: never rejects, never waits longer than the timeout or the signal. */
export type GuardedStore = {
  /** The value, or undefined when there is none, the store failed, timed out, or the signal aborted. */
  get(key: string, signal: AbortSignal): Promise<string | undefined>;
  /** Writes, or gives up quietly (reporting the failure) on error or timeout. */
  set(key: string, value: string, signal: AbortSignal): Promise<void>;
};

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown } | { ok: false; aborted: true };

/** Wraps `store` so that its calls are bounded, failures are absorbed, and outages reported at a rate. */
export function guardStore(options: StoreGuardOptions): GuardedStore {
  const { store, timeoutMs, reportIntervalMs, onReport } = options;
  const now = options.now ?? Date.now;
  let failuresSinceReport = 0;
  let failuresSinceHealthy = 0;
  let lastReportAt: number | undefined;

  const report = (value: StoreHealthReport) => {
    try {
      onReport?.(value);
    } catch {
      // A failing log sink must not turn into a failed reply.
    }
  };

  const failed = (error: unknown) => {
    failuresSinceReport++;
    failuresSinceHealthy++;
    const at = now();
    if (lastReportAt === undefined || at - lastReportAt >= reportIntervalMs) {
      report({ kind: "outage", error, failures: failuresSinceReport });
      lastReportAt = at;
      failuresSinceReport = 0;
    }
  };

  const succeeded = () => {
    if (failuresSinceHealthy === 0) return;
    // Only an outage that was reported gets a recovery line; unreported failures are folded in.
    if (lastReportAt !== undefined) report({ kind: "recovered", failures: failuresSinceHealthy });
    failuresSinceHealthy = 0;
    failuresSinceReport = 0;
    lastReportAt = undefined;
  };

  async function bounded<T>(
    operation: string,
    call: () => T | Promise<T>,
    signal: AbortSignal,
  ): Promise<Outcome<T>> {
    if (signal.aborted) return { ok: false, aborted: true };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const work = (async (): Promise<Outcome<T>> => ({ ok: true, value: await call() }))().catch(
        (error: unknown): Outcome<T> => ({ ok: false, error }),
      );
      const timeout = new Promise<Outcome<T>>((resolve) => {
        timer = setTimeout(() => {
          const error = new Error(
            `the conversation store's ${operation} did not answer within ${timeoutMs} ms`,
          );
          error.name = "TimeoutError";
          resolve({ ok: false, error });
        }, timeoutMs);
      });
      const aborted = new Promise<Outcome<T>>((resolve) => {
        onAbort = () => resolve({ ok: false, aborted: true });
        signal.addEventListener("abort", onAbort, { once: true });
      });
      const outcome = await Promise.race([work, timeout, aborted]);
      if (outcome.ok) succeeded();
      // The agent's deadline passing is not the store's fault.
      else if (!("aborted" in outcome)) failed(outcome.error);
      return outcome;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  return {
    async get(key, signal) {
      const outcome = await bounded("get", () => store.get(key), signal);
      return outcome.ok && typeof outcome.value === "string" ? outcome.value : undefined;
    },
    async set(key, value, signal) {
      await bounded("set", () => store.set(key, value), signal);
    },
  };
}
