// chat-agent-apis/caac-agent/redis: a ConversationStore on Redis, shared by every replica of the
// agent endpoint, on the official `redis` client (an optional peer dependency: only this subpath
// imports it, never the main caac-agent entry). The URL may carry a password; it never appears in
// an error, a log line or `description`.
import { createClient } from "redis";
import { REDACTED } from "../core/redaction.js";
import { checkTtlSeconds, DEFAULT_CONVERSATION_TTL_SECONDS } from "./store.js";

/** The default key prefix: every key the store writes starts with it. */
export const DEFAULT_REDIS_KEY_PREFIX = "chat-agent-apis:caac-agent:conversation:";
/** The largest value accepted, in bytes: a vendor conversation ID is far smaller. */
export const MAX_REDIS_VALUE_BYTES = 1024;
/** Commands waiting for a reply beyond which new ones fail at once (a hung server). */
const MAX_QUEUED_COMMANDS = 1_000;
/** Default bound of one connection attempt. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 2_000;

/** Options of {@link createRedisConversationStore}. */
export type RedisConversationStoreOptions = {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** Prepended to every key, to share one Redis between deployments. Default: `chat-agent-apis:caac-agent:conversation:`. */
  keyPrefix?: string;
  /** Default time-to-live of a key, in seconds, renewed on every write. Default: one day. */
  ttlSeconds?: number;
  /** Bound of one connection attempt, in ms. Default: 2 s. Reconnects back off up to 2 s. */
  connectTimeoutMs?: number;
};

/** The Redis store: a ConversationStore (with promises) plus its connection state. */
export type RedisConversationStore = {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  close(): Promise<void>;
  /** The URL with user and password redacted, for logs. */
  readonly description: string;
  /**
   * Resolves once connected; rejects with a redacted error if not connected within `timeoutMs`
   * (the store keeps reconnecting in the background either way).
   */
  ready(timeoutMs: number): Promise<void>;
};

/** An error of the Redis store; its message names the server with credentials redacted. */
export class RedisStoreError extends Error {
  override name = "RedisStoreError";
}

/**
 * Creates the store and starts connecting in the background. Commands never queue while the
 * connection is down: they fail at once, so the bridge goes on without the mapping instead of waiting.
 */
export function createRedisConversationStore(options: RedisConversationStoreOptions): RedisConversationStore {
  const where = "createRedisConversationStore";
  const { url } = options;
  if (typeof url !== "string" || url.trim() === "") {
    throw new TypeError(`${where}: url is required (redis://host:port or rediss://host:port).`);
  }
  const secrets = secretsOf(url);
  const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not even a URL: say so without echoing it, since any part of it may be a password.
    throw new TypeError(`${where}: url must be a redis:// or rediss:// URL; the value given does not parse.`);
  }
  // Scheme, host, port and database only: credentials and query parameters never leave this function.
  const credentials = parsed.username !== "" || parsed.password !== "" ? `${REDACTED}@` : "";
  const database = parsed.pathname === "/" ? "" : parsed.pathname;
  const description = scrub(`${parsed.protocol}//${credentials}${parsed.host}${database}`);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`${where}: url must start with redis:// or rediss://, got ${description}.`);
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  const defaultTtl = checkTtlSeconds(where, options.ttlSeconds ?? DEFAULT_CONVERSATION_TTL_SECONDS);
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS;
  if (!(Number.isInteger(connectTimeout) && connectTimeout > 0)) {
    throw new TypeError(`${where}: connectTimeoutMs must be a positive integer, got ${connectTimeout}.`);
  }

  let lastError: unknown;
  const fail = (operation: string, error: unknown) => {
    // "The client is offline" alone does not say why: add the connection's latest error.
    const why =
      lastError !== undefined && lastError !== error ? ` (connection: ${messageOf(lastError)})` : "";
    // The original error is not kept as `cause`: nothing guarantees it is free of the URL.
    return new RedisStoreError(
      `redis store ${description}: ${operation} failed: ${scrub(messageOf(error) + why)}`,
    );
  };

  let client: ReturnType<typeof createRedisClient>;
  try {
    client = createRedisClient(url, connectTimeout);
  } catch (error) {
    throw fail("creating the client", error);
  }
  // Without a listener, node-redis's "error" events would crash the process; failures reach the
  // bridge through the rejected calls instead (reported once per interval there).
  client.on("error", (error: unknown) => {
    lastError = error;
  });
  client.on("ready", () => {
    lastError = undefined;
  });
  let closed = false;
  const connecting = client.connect().then(
    () => undefined,
    (error: unknown) => {
      lastError = error;
    },
  );

  return {
    description,
    async ready(timeoutMs) {
      if (client.isReady) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([connecting.then(() => "settled" as const), timedOut]);
      clearTimeout(timer);
      if (client.isReady) return;
      const reason =
        lastError ?? new Error(outcome === "timeout" ? `not connected within ${timeoutMs} ms` : "closed");
      throw fail("connecting", reason);
    },
    async get(key) {
      try {
        const value = await client.get(keyPrefix + key);
        return value ?? undefined;
      } catch (error) {
        throw fail("GET", error);
      }
    },
    async set(key, value, ttlSeconds) {
      const ttl = ttlSeconds === undefined ? defaultTtl : checkTtlSeconds("redis store set", ttlSeconds);
      const bytes = new TextEncoder().encode(value).length;
      if (bytes > MAX_REDIS_VALUE_BYTES) {
        throw new TypeError(
          `redis store set: value must be at most ${MAX_REDIS_VALUE_BYTES} bytes (a conversation ID), got ${bytes}.`,
        );
      }
      try {
        await client.set(keyPrefix + key, value, { expiration: { type: "EX", value: ttl } });
      } catch (error) {
        throw fail("SET", error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // A polite QUIT when connected; otherwise (or if it hangs) drop the socket and stop reconnecting.
      if (client.isReady) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          client.close().catch(() => {}),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, 1_000);
          }),
        ]);
        clearTimeout(timer);
      }
      if (client.isOpen) client.destroy();
      await connecting;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * node-redis without its offline queue (a command sent while disconnected fails at once) and with
 * a bounded command queue (a server that hangs without closing the socket cannot make it grow).
 */
function createRedisClient(url: string, connectTimeout: number) {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
}

/** The password (and user) of a Redis URL in every form it may be echoed: as written and decoded. */
function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(url);
  const credentials = match?.[1];
  if (credentials) {
    const colon = credentials.indexOf(":");
    const password = colon === -1 ? credentials : credentials.slice(colon + 1);
    for (const raw of [password, credentials]) {
      if (raw === "") continue;
      found.add(raw);
      try {
        found.add(decodeURIComponent(raw));
      } catch {
        // A malformed escape: the raw form is already covered.
      }
    }
  }
  // Longest first, so that a secret containing another is scrubbed whole.
  return [...found].sort((a, b) => b.length - a.length);
}
