// Where the Fifth Element bridge keeps "CAAC conversation → vendor conversation". One process can
// keep it in memory; replicas behind a load balancer must share it (see redis-store.ts).

/** How long a mapping is kept after its last turn when no TTL is given: one day. */
export const DEFAULT_CONVERSATION_TTL_SECONDS = 24 * 60 * 60;

/**
 * A small key-value store with expiry. Every method may be synchronous or asynchronous; the bridge
 * bounds each call with its own timeout, so a store need not.
 */
export type ConversationStore = {
  /** The value kept for `key`, or undefined when there is none (or it expired). */
  get(key: string): string | undefined | Promise<string | undefined>;
  /** Keeps `value` for `key` for `ttlSeconds` (default: the store's own TTL), replacing any earlier value. */
  set(key: string, value: string, ttlSeconds?: number): void | Promise<void>;
  /** Releases connections and timers. Idempotent. */
  close(): void | Promise<void>;
};

/** Throws a TypeError naming the option unless `ttlSeconds` is a positive integer number of seconds. */
export function checkTtlSeconds(where: string, ttlSeconds: number): number {
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new TypeError(
      `${where}: ttlSeconds must be a positive integer number of seconds, got ${ttlSeconds}.`,
    );
  }
  return ttlSeconds;
}
