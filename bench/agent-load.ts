// `npx tsx bench/agent-load.ts [seconds]`: a bounded load run on loopback (formerly a 4 s test in
// the suite): the runtime under 20 concurrent CAAC-like connections answers every request 200 with
// no errors, and RSS growth stays bounded. Prints the figures; exits 1 if a bound is broken. No
// throughput bound (machines differ); agent-runtime.ts and agent-compare.ts measure that.
import { createRequire } from "node:module";
import { createAgentHandler } from "../src/caac-agent/handler.js";
import { createKnowledgeAgent } from "../src/caac-agent/knowledge-agent.js";
import { serveAgent } from "../src/caac-agent/node/serve.js";
import { seedBody, TOKEN } from "../src/test-support/caac-requests.js";

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

const seconds = Number(process.argv[2] ?? 3);
const server = await serveAgent(
  createAgentHandler({ token: TOKEN, agent: createKnowledgeAgent(), logger: { error: () => {} } }),
  { port: 0 },
);
const run = (duration: number) =>
  autocannon({
    url: server.url,
    connections: 20,
    duration,
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(seedBody),
  });
try {
  await run(1); // warm-up: JIT, Ajv caches
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const result = await run(seconds);
  const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
  console.info(
    `agent-load: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
      `p99 ${result.latency.p99} ms, max ${result.latency.max} ms, RSS growth ${growthMb.toFixed(1)} MB`,
  );
  const broken = [
    result.errors > 0 && `${result.errors} errors`,
    result.timeouts > 0 && `${result.timeouts} timeouts`,
    result.non2xx > 0 && `${result.non2xx} non-2xx answers`,
    result["2xx"] === 0 && "no 2xx answer",
    growthMb >= 150 && `RSS grew ${growthMb.toFixed(1)} MB (bound: 150)`,
  ].filter(Boolean);
  if (broken.length > 0) {
    console.error(`agent-load: FAILED: ${broken.join(", ")}`);
    process.exitCode = 1;
  }
} finally {
  await server.close();
}
