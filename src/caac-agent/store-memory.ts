// The default ConversationStore: a bounded map in this process's memory. Enough for one replica;
// behind a load balancer each replica would keep its own and conversations would restart.
import { type ConversationStore, checkTtlSeconds, DEFAULT_CONVERSATION_TTL_SECONDS } from "./store.js";

/** Options of {@link createMemoryConversationStore}. */
export type MemoryConversationStoreOptions = {
  /** Entries kept; beyond it the least recently written is forgotten first. Default: 10,000. */
  maxEntries?: number;
  /** Default time-to-live of an entry, in seconds. Default: one day. */
  ttlSeconds?: number;
  /** The clock, in milliseconds (for tests). Default: `Date.now`. */
  now?: () => number;
};

/** The default maximum number of entries of the memory store. */
export const DEFAULT_MEMORY_STORE_MAX_ENTRIES = 10_000;

/** Creates a store in this process's memory. Synchronous; expired entries are dropped when read or evicted. */
export function createMemoryConversationStore(
  options: MemoryConversationStoreOptions = {},
): ConversationStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_STORE_MAX_ENTRIES;
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) {
    throw new TypeError(
      `createMemoryConversationStore: maxEntries must be a positive integer, got ${maxEntries}.`,
    );
  }
  const defaultTtl = checkTtlSeconds(
    "createMemoryConversationStore",
    options.ttlSeconds ?? DEFAULT_CONVERSATION_TTL_SECONDS,
  );
  const now = options.now ?? Date.now;
  // Insertion order is write order (set deletes first), so the first key is the oldest write.
  const entries = new Map<string, { value: string; expiresAt: number }>();

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, ttlSeconds) {
      const ttl = ttlSeconds === undefined ? defaultTtl : checkTtlSeconds("memory store set", ttlSeconds);
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    close() {
      entries.clear();
    },
  };
}
