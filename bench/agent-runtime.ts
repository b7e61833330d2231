/**
 * Section 3: the Self Hosted AI Agent endpoint under load, against a bare node:http server (the
 * limit), Fastify + Ajv (the peer) and the Web-standard path (createAgentHandler in Hono on
 * @hono/node-server): each server compiled and in its own process, the load generator in another
 * (lib/load.ts), and the collector's work in the server per 1,000 requests (servers/gc-stats.ts).
 */
import bundle from "../generated/caac-agent.bundle.js";
import { type ServerChild, startServerChild } from "./lib/child.js";
import { generator, load } from "./lib/load.js";
import { type Row, type Section, status } from "./lib/report.js";
import { fmt, median, rotate } from "./lib/stats.js";
import type { GcStats } from "./servers/gc-stats.js";
import { TOKEN } from "./servers/token.js";

export interface AgentRuntimeOptions {
  connections: number;
  /** Seconds of measured load per run. */
  duration: number;
  /** Seconds of unmeasured load before each run (0 for none). */
  warmup: number;
  /** Interleaved rounds; each round starts a fresh process per server. */
  rounds: number;
  /** A checkout of an older commit: its serveAgent is measured too, in the same server file. */
  baseline?: string | undefined;
}

const KINDS = ["bare", "agent", "fastify", "hono", "baseline"] as const;
type Kind = (typeof KINDS)[number];
const LABEL: Record<Kind, string> = {
  bare: "bare node:http (limit)",
  agent: "serveAgent + createAgentHandler",
  baseline: "serveAgent + createAgentHandler at the baseline checkout",
  fastify: "Fastify 5 + Ajv",
  hono: "createAgentHandler in Hono on @hono/node-server",
};

const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

interface Run {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  rss: number;
  failures: number;
  /** GC figures per 1,000 requests of the measured load. */
  gcMsPer1k: number;
  scavengesPer1k: number;
  markCompactsPer1k: number;
  maxPauseMs: number;
}

/** Checks that the server answers like the others, and rejects what it must, before any load. */
async function check(kind: Kind, server: ServerChild): Promise<void> {
  const ok = await fetch(server.url, { method: "POST", body, headers });
  const text = await ok.text();
  if (ok.status !== 200 || JSON.parse(text).reply_text !== "ok") {
    throw new Error(`${kind}: expected 200 {"reply_text":"ok"}, got ${ok.status} ${text}`);
  }
  if (kind === "bare") return;
  const invalid = await fetch(server.url, { method: "POST", body: '{"version":"1.0"}', headers });
  const unauthorized = await fetch(server.url, {
    method: "POST",
    body,
    headers: { ...headers, authorization: "Bearer wrong" },
  });
  await Promise.all([invalid.body?.cancel(), unauthorized.body?.cancel()]);
  if (invalid.status !== 400 || unauthorized.status !== 401) {
    throw new Error(`${kind}: expected 400 and 401, got ${invalid.status} and ${unauthorized.status}`);
  }
}

function perThousand(gc: GcStats, requests: number) {
  const per = (value: number) => (value * 1000) / Math.max(1, requests);
  return {
    gcMsPer1k: per(gc.scavengeMs + gc.markCompactMs),
    scavengesPer1k: per(gc.scavenges),
    markCompactsPer1k: per(gc.markCompacts),
    maxPauseMs: gc.maxPauseMs,
  };
}

async function measure(kind: Kind, options: AgentRuntimeOptions): Promise<Run> {
  const server =
    kind === "baseline"
      ? await startServerChild("agent-servers", ["agent"], [], options.baseline)
      : await startServerChild("agent-servers", [kind]);
  const run = (duration: number) =>
    load({ url: server.url, body, headers, connections: options.connections, duration });
  try {
    await check(kind, server);
    if (options.warmup > 0) await run(options.warmup);
    server.resetGc();
    const result = await run(options.duration);
    return {
      requestsPerSecond: result.requestsPerSecond,
      p50: result.p50Ms,
      p99: result.p99Ms,
      rss: await server.rss(),
      failures: result.failures,
      ...perThousand(await server.gc(), result.requests),
    };
  } finally {
    await server.stop();
  }
}

export async function agentRuntime(options: AgentRuntimeOptions): Promise<Section> {
  const kinds = KINDS.filter((kind) => kind !== "baseline" || options.baseline !== undefined);
  const runs = new Map<Kind, Run[]>(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const kind of rotate(kinds, round)) runs.get(kind)?.push(await measure(kind, options));
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  const of = (kind: Kind) => runs.get(kind) ?? [];
  for (const kind of kinds) {
    const list = of(kind);
    const pick = (f: (run: Run) => number) => median(list.map(f));
    rows.push({
      metric: `${LABEL[kind]}: req/s · p50 / p99 latency · RSS after`,
      value:
        `${fmt(
          pick((r) => r.requestsPerSecond),
          0,
        )} req/s · ` +
        `${fmt(
          pick((r) => r.p50),
          2,
        )} / ${fmt(
          pick((r) => r.p99),
          2,
        )} ms · ` +
        `${fmt(pick((r) => r.rss) / 1024 ** 2, 0)} MiB`,
    });
    rows.push({
      metric: `${LABEL[kind]}: GC per 1,000 requests (pause ms · scavenges · mark-compacts) · longest pause`,
      value:
        `${fmt(
          pick((r) => r.gcMsPer1k),
          2,
        )} ms · ${fmt(
          pick((r) => r.scavengesPer1k),
          2,
        )} · ` +
        `${fmt(
          pick((r) => r.markCompactsPer1k),
          3,
        )} · ${fmt(
          pick((r) => r.maxPauseMs),
          1,
        )} ms`,
    });
    const failures = list.reduce((sum, run) => sum + run.failures, 0);
    if (failures > 0) notes.push(`${LABEL[kind]}: ${failures} non-2xx responses or errors under load.`);
  }
  const perRound = (a: Kind, b: Kind, f: (run: Run) => number = (run) => run.requestsPerSecond) =>
    median(of(a).map((run, i) => f(run) / f(of(b)[i] ?? ({} as Run))));
  const vsBare = perRound("agent", "bare");
  const vsFastify = perRound("agent", "fastify");
  const honoVsBare = perRound("hono", "bare");
  rows.push({
    metric: "serveAgent ÷ bare node:http (req/s)",
    value: `${fmt(vsBare, 2)}×`,
    target: "≥ 0.90×",
    status: status(vsBare >= 0.9),
  });
  rows.push({
    metric: "serveAgent ÷ Fastify + Ajv (req/s)",
    value: `${fmt(vsFastify, 2)}×`,
    target: "> 1.00×",
    status: status(vsFastify > 1),
  });
  rows.push({
    metric: "createAgentHandler in Hono ÷ bare node:http (req/s)",
    value: `${fmt(honoVsBare, 2)}×`,
    target: "≥ 0.75×",
    status: status(honoVsBare >= 0.75),
  });
  rows.push({
    metric: "Fastify + Ajv ÷ bare node:http (req/s)",
    value: `${fmt(perRound("fastify", "bare"), 2)}×`,
  });
  // The retention guard: GC pause time per request, serveAgent against bare (ratio of per-round figures).
  rows.push({
    metric: "GC pause per 1,000 requests: serveAgent ÷ bare node:http",
    value: `${fmt(
      perRound("agent", "bare", (run) => run.gcMsPer1k),
      2,
    )}×`,
    status: "info",
  });
  if (options.baseline) {
    rows.push({
      metric: "GC pause per 1,000 requests: serveAgent at the baseline checkout ÷ bare node:http",
      value: `${fmt(
        perRound("baseline", "bare", (run) => run.gcMsPer1k),
        2,
      )}×`,
      status: "info",
    });
    rows.push({
      metric: "serveAgent ÷ serveAgent at the baseline checkout (req/s)",
      value: `${fmt(perRound("agent", "baseline"), 2)}×`,
      status: "info",
    });
  }
  rows.push({
    metric: "GC pause per 1,000 requests: Hono path ÷ bare node:http",
    value: `${fmt(
      perRound("hono", "bare", (run) => run.gcMsPer1k),
      2,
    )}×`,
    status: "info",
  });

  return {
    title: "Agent runtime",
    method:
      `${generator === "wrk" ? "wrk (one thread)" : "autocannon's CLI"}, in its own process, POSTs the spec's \`seed\` example ` +
      `(${body.length} bytes) with a bearer token to 127.0.0.1, ${options.connections} connections × ${options.duration} s after ` +
      `${options.warmup} s of warm-up, ${options.rounds} interleaved rounds, a fresh server process per run, each server compiled ` +
      `(esbuild bundle of the source, plain Node, no tsx); medians, ratios of per-round figures. RSS and GC are read from the ` +
      `server process: GC from PerformanceObserver 'gc' entries during the measured load, per 1,000 requests answered. ` +
      `Every server replies \`{"reply_text":"ok"}\`; before the load each is checked to answer 200, and (all but bare) 400 to an ` +
      `invalid body and 401 to a wrong token. Fastify checks the token with SHA-256 digests and \`timingSafeEqual\`; ` +
      `our runtime compares the bearer token in constant time against every configured token.`,
    rows,
    notes,
  };
}
