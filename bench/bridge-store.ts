/**
 * The Fifth Element bridge's conversation store: req/s with the default in-memory map versus
 * Redis on loopback (a redis-server this script starts on a free port, without persistence).
 * `npx tsx bench/bridge-store.ts [--quick]` runs it alone; `npm run bench` includes it.
 */
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import bundle from "../generated/caac-agent.bundle.js";
import { redisServerMissing, startRedisServer } from "../src/test-support/redis-server.js";
import { startServerChild } from "./lib/child.js";
import type { Row, Section } from "./lib/report.js";
import { fmt, median, rotate } from "./lib/stats.js";
import { TOKEN } from "./servers/token.js";

export interface BridgeStoreOptions {
  connections: number;
  /** Seconds of measured load per run. */
  duration: number;
  /** Interleaved rounds; each round starts a fresh server process per variant. */
  rounds: number;
}

const KINDS = ["memory", "redis"] as const;
type Kind = (typeof KINDS)[number];
const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

export async function bridgeStore(options: BridgeStoreOptions): Promise<Section> {
  const title = "Fifth Element bridge: conversation store";
  if (redisServerMissing) {
    return { title, method: "Not measured.", rows: [], notes: [`Skipped: ${redisServerMissing}.`] };
  }
  const redis = await startRedisServer();
  const runs = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  const failures: string[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const kind of rotate(KINDS, round)) {
        const server = await startServerChild(
          "bridge-server",
          kind === "redis" ? ["redis", redis.url] : ["memory"],
        );
        try {
          const check = await fetch(server.url, { method: "POST", body, headers });
          const text = await check.text();
          if (check.status !== 200 || JSON.parse(text).reply_text !== "ok") {
            throw new Error(`${kind}: expected 200 {"reply_text":"ok"}, got ${check.status} ${text}`);
          }
          const result = await autocannon({
            url: server.url,
            method: "POST",
            body,
            headers,
            connections: options.connections,
            duration: options.duration,
          });
          runs.get(kind)?.push(result.requests.average);
          if (result.non2xx + result.errors + result.timeouts > 0) {
            failures.push(`${kind}: ${result.non2xx} non-2xx, ${result.errors + result.timeouts} errors`);
          }
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await redis.kill();
  }
  const of = (kind: Kind) => runs.get(kind) ?? [];
  const ratio = median(of("redis").map((rps, i) => rps / (of("memory")[i] ?? Number.NaN)));
  const rows: Row[] = [
    { metric: "bridge, in-memory store: req/s", value: `${fmt(median(of("memory")), 0)} req/s` },
    { metric: "bridge, Redis on loopback: req/s", value: `${fmt(median(of("redis")), 0)} req/s` },
    { metric: "bridge: Redis ÷ in-memory (req/s)", value: `${fmt(ratio, 2)}×`, status: "info" },
  ];
  return {
    title,
    method:
      `autocannon POSTs the spec's \`seed\` example (one CAAC conversation, so every request after the first continues it) to ` +
      `serveAgent + createAgentHandler + createFifthElementBridgeAgent with an in-process vendor stub that answers at once, ` +
      `${options.connections} connections × ${options.duration} s, ${options.rounds} interleaved round(s), a fresh server process per run; ` +
      `the Redis variant does one GET and one SET (with its TTL) per request against redis-server 127.0.0.1 in another process.`,
    rows,
    notes: failures,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const section = await bridgeStore(
    quick ? { connections: 10, duration: 2, rounds: 1 } : { connections: 20, duration: 5, rounds: 2 },
  );
  console.log(section.method);
  for (const row of section.rows) console.log(`${row.metric}: ${row.value}`);
  for (const note of section.notes ?? []) console.log(note);
}
