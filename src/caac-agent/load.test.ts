// A bounded load test on loopback: the runtime under concurrent CAAC-like traffic answers every
// request 200 with no errors, and memory stays bounded. No throughput assertions (machines differ);
// bench/ measures that.
import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { seedBody, TOKEN } from "../test-support/caac-requests.js";
import { createAgentHandler } from "./handler.js";
import { createKnowledgeAgent } from "./knowledge-agent.js";
import { type AgentServer, serveAgent } from "./serve.js";

// autocannon ships no types; this is the part of its API the test uses.
type AutocannonResult = {
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  requests: { total: number; average: number };
  latency: { p99: number; max: number };
};
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  method: "POST";
  headers: Record<string, string>;
  body: string;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

let server: AgentServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe("load", () => {
  it("answers 20 connections for 3 s with zero errors and bounded memory", async () => {
    server = await serveAgent(
      createAgentHandler({ token: TOKEN, agent: createKnowledgeAgent(), logger: { error: () => {} } }),
      { port: 0 },
    );
    const run = (duration: number) =>
      autocannon({
        url: server?.url ?? "",
        connections: 20,
        duration,
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(seedBody),
      });
    await run(1); // warm-up: JIT, Ajv caches
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const result = await run(3);
    const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    console.info(
      `load: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
        `p99 ${result.latency.p99} ms, max ${result.latency.max} ms, RSS growth ${growthMb.toFixed(1)} MB`,
    );
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result["2xx"]).toBeGreaterThan(0);
    expect(growthMb).toBeLessThan(150);
  }, 30_000);
});
