// Two `serve-agent --bridge fifthelement` replicas sharing one real redis-server, turns alternating
// between them like a round-robin load balancer, against a local fake Fifth Element that counts the
// conversations it starts. Skipped, with the reason printed, where redis-server is not installed.
import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { seedBody, TOKEN } from "../test-support/caac-requests.js";
import { useLoopbackServers } from "../test-support/loopback-server.js";
import {
  announceRedisSkip,
  type RedisServer,
  redisServerMissing,
  startRedisServer,
} from "../test-support/redis-server.js";
import { useServeAgentProcesses } from "../test-support/serve-agent-process.js";

const PASSWORD = "replica-secret-7c1d";
const API_KEY = "fe-key-0a1b2c3d4e5f";
const DEADLINE_MS = 8_000;

const serve = useLoopbackServers();
const startServe = useServeAgentProcesses();
const redisServers: RedisServer[] = [];
afterEach(async () => {
  await Promise.all(redisServers.splice(0).map((redis) => redis.kill()));
});

/** A fake Fifth Element: starts a conversation when none is sent, records every call. */
async function fakeFifthElement() {
  const calls: Array<{ message: string; conversationId: string | undefined }> = [];
  let started = 0;
  const url = await serve(async (req: IncomingMessage, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { message: string; conversationId?: string | null };
    const conversationId = body.conversationId ?? `conv_${++started}`;
    calls.push({ message: body.message, conversationId: body.conversationId ?? undefined });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: { response: `re: ${body.message}`, conversationId }, error: null }));
  });
  return { url, calls, started: () => started };
}

async function startReplicas(redisUrl: string, fifthElementUrl: string) {
  const env = {
    CAAC_AGENT_TOKEN: TOKEN,
    CAAC_AGENT_STORE_URL: redisUrl,
    FIFTHELEMENT_API_KEY: API_KEY,
    FIFTHELEMENT_BASE_URL: fifthElementUrl,
    FIFTHELEMENT_SLUG: "support",
  };
  const args = ["--bridge", "fifthelement", "--deadline-ms", String(DEADLINE_MS)];
  return Promise.all([startServe(args, env), startServe(args, env)]);
}

/** One CAAC turn; resolves with the reply text and how long it took. */
async function turn(url: string, conversationId: number, text: string) {
  const started = Date.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      ...seedBody,
      conversation_id: conversationId,
      messages: [{ sender_type: "member", text }],
      prompt: "Be kind.",
    }),
  });
  return {
    status: response.status,
    reply: ((await response.json()) as { reply_text: string }).reply_text,
    ms: Date.now() - started,
  };
}

announceRedisSkip("serve-agent replicas sharing redis-server");
describe.skipIf(redisServerMissing !== undefined)("serve-agent replicas sharing redis-server", () => {
  it("keep one Fifth Element conversation per CAAC conversation while turns alternate", async () => {
    const redis = await startRedisServer({ password: PASSWORD });
    redisServers.push(redis);
    const fifthElement = await fakeFifthElement();
    const replicas = await startReplicas(redis.url, fifthElement.url);
    expect(replicas[0].output()).toMatch(/conversations in redis:\/\/\[redacted\]@127\.0\.0\.1:\d+/);

    let request = 0;
    for (let round = 0; round < 4; round++) {
      for (const conversation of [101, 102, 103]) {
        const replica = replicas[request++ % 2];
        const result = await turn(replica?.url ?? "", conversation, `c${conversation} t${round}`);
        expect(result).toMatchObject({
          status: 200,
          reply: `re: ${round === 0 ? "Be kind.\n\n" : ""}c${conversation} t${round}`,
        });
      }
    }
    expect(fifthElement.started()).toBe(3);
    // Every later turn continued the conversation its first turn started, whichever replica served it.
    const firstTurnConversation = new Map<string, string>();
    fifthElement.calls.forEach((call, index) => {
      const caac = call.message.match(/c(\d+) t/)?.[1] ?? "";
      if (call.conversationId === undefined)
        firstTurnConversation.set(caac, `conv_${firstTurnConversation.size + 1}`);
      else expect([index, call.conversationId]).toEqual([index, firstTurnConversation.get(caac)]);
    });
    for (const replica of replicas) {
      expect(replica.output()).not.toContain(PASSWORD);
      expect(replica.output()).not.toContain(API_KEY);
    }
  }, 90_000);

  it("answer every turn with the agent's reply before the deadline after Redis is killed mid-run", async () => {
    const redis = await startRedisServer({ password: PASSWORD });
    redisServers.push(redis);
    const fifthElement = await fakeFifthElement();
    const replicas = await startReplicas(redis.url, fifthElement.url);
    const results: Array<Awaited<ReturnType<typeof turn>>> = [];
    for (let i = 0; i < 4; i++) results.push(await turn(replicas[i % 2]?.url ?? "", 201, `before ${i}`));
    expect(fifthElement.started()).toBe(1);

    await redis.kill();
    for (let i = 0; i < 12; i++)
      results.push(await turn(replicas[i % 2]?.url ?? "", 201 + (i % 3), `after ${i}`));

    for (const result of results) {
      expect(result.status).toBe(200);
      // The fallback would mean the deadline was hit; the agent's own reply means it was not.
      expect(result.reply).toMatch(/^re: /);
      expect(result.ms).toBeLessThan(DEADLINE_MS);
    }
    for (const replica of replicas) {
      // One outage report per 60 s interval, not one per request.
      const reports = replica.output().match(/conversation store is failing/g) ?? [];
      expect(reports.length).toBe(1);
      expect(replica.output()).not.toContain(PASSWORD);
    }
  }, 90_000);

  it("answer every turn before the deadline while Redis hangs (SIGSTOP), then share conversations again", async () => {
    const redis = await startRedisServer({ password: PASSWORD });
    redisServers.push(redis);
    const fifthElement = await fakeFifthElement();
    const replicas = await startReplicas(redis.url, fifthElement.url);
    expect((await turn(replicas[0].url, 301, "before")).reply).toBe("re: Be kind.\n\nbefore");

    redis.process.kill("SIGSTOP");
    try {
      for (let i = 0; i < 4; i++) {
        const result = await turn(replicas[i % 2]?.url ?? "", 302, `hung ${i}`);
        expect(result.status).toBe(200);
        expect(result.reply).toMatch(/^re: /);
        expect(result.ms).toBeLessThan(DEADLINE_MS);
      }
    } finally {
      redis.process.kill("SIGCONT");
    }
    for (const replica of replicas) expect(replica.output()).toMatch(/did not answer within 500 ms/);

    // Back to normal: a new conversation is shared between the replicas again.
    const started = fifthElement.started();
    await turn(replicas[0].url, 303, "again 1");
    expect(await turn(replicas[1].url, 303, "again 2")).toMatchObject({ status: 200, reply: "re: again 2" });
    expect(fifthElement.started()).toBe(started + 1);
  }, 90_000);
});
