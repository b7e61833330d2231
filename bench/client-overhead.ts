/**
 * Section 1: what our client layers (retry, timeout, typed errors, redaction) cost per call, for a
 * CAAC GET and a Fifth Element `chat` POST, against raw `fetch` and the peers of issue 17: on loopback
 * (a compiled node:http server in its own process) and in memory (an injected `fetch`, no I/O).
 */
import { getVariants, memoryFetch, postVariants, type Variant } from "./client-calls.js";
import { startServerChild } from "./lib/child.js";
import { type Row, type Section, status } from "./lib/report.js";
import { fmt, median, rotate, settle } from "./lib/stats.js";

export interface ClientOverheadOptions {
  /** Sequential loopback requests per variant per round. */
  requests: number;
  /** In-memory calls per variant per round. */
  memoryCalls: number;
  /** Interleaved rounds. */
  rounds: number;
}

/**
 * Runs each variant `count` times sequentially per round, rounds interleaved; µs per call, both as
 * wall time and as this process's CPU time (user + system, GC threads included). CPU time leaves
 * out what other processes on a shared machine take from this one: in memory, where there is no I/O
 * to wait for, it is the figure; on loopback it is the client side's own work per request.
 */
async function interleave(
  variants: Variant[],
  count: number,
  rounds: number,
): Promise<{ wall: Map<string, number[]>; cpu: Map<string, number[]> }> {
  const wall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const variant of variants) for (let i = 0; i < Math.min(count, 500); i++) await variant.once(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const variant of rotate(variants, round)) {
      await settle();
      const start = performance.now();
      const startCpu = process.cpuUsage();
      for (let i = 0; i < count; i++) await variant.once();
      const used = process.cpuUsage(startCpu);
      wall.get(variant.name)?.push(((performance.now() - start) * 1000) / count);
      cpu.get(variant.name)?.push((used.user + used.system) / count);
    }
  }
  return { wall, cpu };
}

/** Per-round ratio a/b, then the median: robust to load that drifts between rounds. */
function ratio(samples: Map<string, number[]>, a: string, b: string): number {
  const as = samples.get(a) ?? [];
  const bs = samples.get(b) ?? [];
  return median(as.map((value, i) => value / (bs[i] ?? Number.NaN)));
}

/** Per-round difference a − b, then the median. */
function difference(samples: Map<string, number[]>, a: string, b: string): number {
  const as = samples.get(a) ?? [];
  const bs = samples.get(b) ?? [];
  return median(as.map((value, i) => value - (bs[i] ?? Number.NaN)));
}

/** The peers of issue 17's table, each measured beside ours in the same rounds. */
const PEERS = [
  "undici request()",
  "bare openapi-fetch",
  "openai-node",
  "@hey-api/client-fetch",
  "openapi-fetch + light Request",
] as const;

/** For each peer: its ratio to raw fetch, and ours ÷ it (target below 1: cheaper than every peer). */
function peerRows(samples: Map<string, number[]>, where: string): Row[] {
  const rows: Row[] = [];
  for (const peer of PEERS) {
    if (!samples.has(peer)) continue;
    const perRound = ratio(samples, "our client", peer);
    rows.push({
      metric: `${where}: ${peer} ÷ raw fetch`,
      value: `${fmt(ratio(samples, peer, "raw fetch"), 3)}×`,
    });
    rows.push({
      metric: `${where}: our client ÷ ${peer} (peer)`,
      value: `${fmt(perRound, 3)}×`,
      target: "< 1.00×",
      status: status(perRound < 1),
    });
  }
  return rows;
}

export async function clientOverhead(options: ClientOverheadOptions): Promise<Section> {
  const rows: Row[] = [];
  const calls: [string, typeof getVariants][] = [
    ["GET (CAAC team)", getVariants],
    ["POST (Fifth Element chat)", postVariants],
  ];

  // Loopback: a JSON server in its own process; every variant shares undici's keep-alive pool.
  const server = await startServerChild("json-server");
  try {
    for (const [label, variants] of calls) {
      const { wall: samples, cpu } = await interleave(variants(server.url), options.requests, options.rounds);
      for (const [name, values] of samples) {
        rows.push({
          metric: `loopback ${label}, ${name}: median per request`,
          value: `${fmt(median(values), 1)} µs (client CPU ${fmt(median(cpu.get(name) ?? []), 1)} µs)`,
        });
      }
      rows.push({
        metric: `loopback ${label}: our client ÷ raw fetch, client CPU per request`,
        value: `${fmt(ratio(cpu, "our client", "raw fetch"), 3)}×`,
      });
      const ours = ratio(samples, "our client", "raw fetch");
      rows.push({
        metric: `loopback ${label}: our client ÷ raw fetch`,
        value: `${fmt(ours, 3)}×`,
        target: "≤ 1.15×",
        status: status(ours <= 1.15),
      });
      if (samples.has("raw fetch + timeout")) {
        rows.push({
          metric: `loopback ${label}: raw fetch + timeout (AbortController + timer) ÷ raw fetch`,
          value: `${fmt(ratio(samples, "raw fetch + timeout", "raw fetch"), 3)}× (client CPU ${fmt(ratio(cpu, "raw fetch + timeout", "raw fetch"), 3)}×)`,
        });
        rows.push({
          metric: `loopback ${label}: our client ÷ raw fetch + timeout`,
          value: `${fmt(ratio(samples, "our client", "raw fetch + timeout"), 3)}× (client CPU ${fmt(ratio(cpu, "our client", "raw fetch + timeout"), 3)}×)`,
        });
      }
      rows.push(...peerRows(samples, `loopback ${label}`));
    }
  } finally {
    await server.stop();
  }

  // In memory: the same injected fetch answers every variant with a fresh Response over prebuilt bytes.
  for (const [label, variants] of calls) {
    const { cpu: samples } = await interleave(
      variants("https://api.example.invalid", memoryFetch()),
      options.memoryCalls,
      options.rounds,
    );
    for (const [name, values] of samples) {
      rows.push({
        metric: `in memory ${label}, ${name}: median CPU per call`,
        value: `${fmt(median(values), 2)} µs`,
      });
    }
    const extra = difference(samples, "our client", "raw fetch");
    rows.push({
      metric: `in memory ${label}: our client − raw fetch (per call)`,
      value: `${fmt(extra, 2)} µs`,
      target: "≤ 10 µs",
      status: status(extra <= 10),
    });
    for (const peer of PEERS) {
      if (!samples.has(peer)) continue;
      rows.push({
        metric: `in memory ${label}: ${peer} − raw fetch (per call)`,
        value: `${fmt(difference(samples, peer, "raw fetch"), 2)} µs`,
      });
    }
  }

  return {
    title: "Client overhead",
    method:
      "Sequential calls, each variant in turn: `GET /openapi/v2/teams/42` (a 70-byte JSON answer) and a Fifth Element " +
      "`chat` POST (a 49-byte JSON body, an 88-byte JSON envelope back), against a compiled node:http server in its own " +
      `process on 127.0.0.1 (${options.requests} requests per variant per round, ${options.rounds} interleaved rounds, ` +
      "medians; ratios are the median of per-round ratios). Raw fetch is `fetch(url, init)` + `json()` (in memory `fakeFetch(new Request(url, init))`); " +
      '"our client" is `createCaacClient` + `unwrap` and `createFifthElementClient().chat` with their defaults ' +
      "(2 retries, 60 s timeout, typed errors, redaction). In memory: an injected `fetch` (reading the POST body) " +
      `returning a new \`Response\` over prebuilt bytes, ${options.memoryCalls} calls per variant per round, ` +
      "timed as this process's CPU time (user + system, GC threads included), which leaves out what other processes " +
      "take from this one; on loopback the client's CPU time per request is reported beside the wall time. " +
      "Peers, each as its docs show: undici `request()` (npm undici 6, on an Agent of its own; loopback only, " +
      "as it takes no `fetch`), bare openapi-fetch, openai-node (`client.get`/`client.post` with a baseURL, 2 retries " +
      "and a 60 s timeout like ours), @hey-api/client-fetch (`client.get`/`client.post` with a baseUrl) and " +
      "openapi-fetch with a light `Request` class (its `Request` option; its `fetch` sends `(url, init)`); in memory " +
      "a peer that calls `fetch(url, init)` hands the fake the Request the platform would build. " +
      '"Raw fetch + timeout" (loopback) adds what any client with a per-attempt timeout needs: an AbortController ' +
      "whose signal fetch follows, and a 60 s timer cleared on the answer. " +
      `Node ${process.versions.node} (bundled undici ${process.versions.undici}).`,
    rows,
    notes: [],
  };
}
