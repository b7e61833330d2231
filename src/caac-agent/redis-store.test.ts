// The Redis store against a real redis-server (skipped, with the reason printed, where there is none).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  announceRedisSkip,
  freePort,
  type RedisServer,
  redisServerMissing,
  startRedisServer,
} from "../test-support/redis-server.js";
import {
  createRedisConversationStore,
  DEFAULT_REDIS_KEY_PREFIX,
  type RedisConversationStore,
} from "./redis-store.js";

const PASSWORD = "pa:ss@w0rd/secret";

describe("createRedisConversationStore: options", () => {
  it("rejects a missing, unparsable or non-Redis URL without echoing a password", () => {
    expect(() => createRedisConversationStore({ url: "" })).toThrow(/url is required/);
    expect(() => createRedisConversationStore({ url: "not a url hunter2" })).toThrow(
      /url must be a redis:\/\//,
    );
    expect(() => createRedisConversationStore({ url: "not a url hunter2" })).not.toThrow(/hunter2/);
    expect(() => createRedisConversationStore({ url: "http://u:hunter2@h:1" })).toThrow(
      /url must start with redis:\/\/ or rediss:\/\/, got http:\/\/\[redacted\]@h:1/,
    );
    expect(() => createRedisConversationStore({ url: "http://u:hunter2@h:1" })).not.toThrow(/hunter2/);
    expect(() => createRedisConversationStore({ url: "redis://h", ttlSeconds: 0 })).toThrow(
      /ttlSeconds must be a positive integer/,
    );
  });
});

announceRedisSkip("createRedisConversationStore against redis-server");
describe.skipIf(redisServerMissing !== undefined)("createRedisConversationStore against redis-server", () => {
  let redis: RedisServer;
  const stores: RedisConversationStore[] = [];
  const open = (options: Partial<Parameters<typeof createRedisConversationStore>[0]> = {}) => {
    const store = createRedisConversationStore({ url: redis.url, ...options });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
  }, 15_000);
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.kill();
  });

  it("keeps values under the namespaced key with a TTL, shared between clients", async () => {
    const a = open({ ttlSeconds: 120 });
    const b = open();
    await a.ready(5_000);
    await b.ready(5_000);
    expect(await b.get("s:1")).toBeUndefined();
    await a.set("s:1", "fe-1");
    expect(await b.get("s:1")).toBe("fe-1");
    const inspect = open({ keyPrefix: "" });
    await inspect.ready(5_000);
    expect(await inspect.get(`${DEFAULT_REDIS_KEY_PREFIX}s:1`)).toBe("fe-1");
    const ttl = await rawCommand(redis, ["TTL", `${DEFAULT_REDIS_KEY_PREFIX}s:1`]);
    expect(Number(ttl)).toBeGreaterThan(100);
    expect(Number(ttl)).toBeLessThanOrEqual(120);
    await a.set("s:1", "fe-1", 5);
    expect(Number(await rawCommand(redis, ["TTL", `${DEFAULT_REDIS_KEY_PREFIX}s:1`]))).toBeLessThanOrEqual(5);
  });

  it("keeps deployments with different prefixes apart", async () => {
    const blue = open({ keyPrefix: "blue:" });
    const green = open({ keyPrefix: "green:" });
    await Promise.all([blue.ready(5_000), green.ready(5_000)]);
    await blue.set("k", "b");
    expect(await green.get("k")).toBeUndefined();
    expect(await blue.get("k")).toBe("b");
  });

  it("refuses a value larger than a conversation ID", async () => {
    const store = open();
    await store.ready(5_000);
    await expect(store.set("k", "x".repeat(2_000))).rejects.toThrow(/value must be at most 1024 bytes/);
  });

  it("redacts the password from its description and from every error", async () => {
    const wrong = open({ url: redis.url.replace(encodeURIComponent(PASSWORD), "wrong-password-123") });
    expect(wrong.description).toBe(`redis://[redacted]@127.0.0.1:${redis.port}`);
    const error = await wrong.ready(1_500).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/redis store redis:\/\/\[redacted\]@127\.0\.0\.1:\d+: connecting failed/);
    expect(String(error)).not.toContain("wrong-password-123");
    const failure = await wrong.get("k").then(
      () => "resolved",
      (e: unknown) => String(e),
    );
    expect(failure).toMatch(/GET failed/);
    expect(failure).not.toContain("wrong-password-123");
    const good = open();
    expect(good.description).not.toContain("secret");
  });

  it("fails fast while the server is unreachable, and ready() says so", async () => {
    const port = await freePort();
    const store = open({
      url: `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
      connectTimeoutMs: 200,
    });
    const started = Date.now();
    await expect(store.get("k")).rejects.toThrow(/GET failed/);
    // Generous bound: "at once" means no waiting for a connection, not a tight timing claim.
    expect(Date.now() - started).toBeLessThan(3_000);
    const error = await store.ready(500).then(
      () => "connected",
      (e: unknown) => String(e),
    );
    expect(error).toMatch(/connecting failed: .*ECONNREFUSED/);
    expect(error).not.toContain("secret");
    // Later failures say why the client is offline.
    await expect(store.get("k")).rejects.toThrow(/GET failed: .*\(connection: .*ECONNREFUSED/);
    await store.close();
    await store.close();
  });
});

/** One raw RESP command on a fresh socket (to look at Redis without going through the store). */
async function rawCommand(redis: RedisServer, command: string[]): Promise<string> {
  const { createConnection } = await import("node:net");
  const all = [["AUTH", PASSWORD], command];
  const payload = all
    .map(
      (parts) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`,
    )
    .join("");
  return new Promise((resolve, reject) => {
    const socket = createConnection(redis.port, "127.0.0.1");
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString();
      const lines = data.split("\r\n").filter(Boolean);
      if (lines.length >= 2) {
        socket.end();
        resolve((lines[1] ?? "").replace(/^[:+$-]/, ""));
      }
    });
    socket.on("error", reject);
    socket.write(payload);
  });
}
