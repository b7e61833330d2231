/**
 * Section 1: what our client layers (retry, timeout, typed errors, redaction) cost per request,
 * against raw `fetch` on loopback and against bare openapi-fetch with an in-memory `fetch`.
 */
import createClient from "openapi-fetch";
import type { paths } from "../generated/caac.js";
import { CAAC_BASE_URLS, createCaacClient } from "../src/caac/index.js";
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

const PATH = "/openapi/v2/teams/{team_id}";
const apiKey = "bench-api-key";
const call = { params: { path: { team_id: 42 } } };

type Variant = { name: string; once: () => Promise<unknown> };

/** Runs each variant `count` times sequentially per round, rounds interleaved; µs per call. */
async function interleave(
  variants: Variant[],
  count: number,
  rounds: number,
): Promise<Map<string, number[]>> {
  const perCall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const variant of variants) for (let i = 0; i < Math.min(count, 200); i++) await variant.once(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const variant of rotate(variants, round)) {
      await settle();
      const start = performance.now();
      for (let i = 0; i < count; i++) await variant.once();
      perCall.get(variant.name)?.push(((performance.now() - start) * 1000) / count);
    }
  }
  return perCall;
}

/** Per-round ratio a/b, then the median: robust to load that drifts between rounds. */
function ratio(samples: Map<string, number[]>, a: string, b: string): number {
  const as = samples.get(a) ?? [];
  const bs = samples.get(b) ?? [];
  return median(as.map((value, i) => value / (bs[i] ?? Number.NaN)));
}

export async function clientOverhead(options: ClientOverheadOptions): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];

  // Loopback: a JSON server in its own process; all three clients share undici's keep-alive pool.
  const server = await startServerChild("json-server");
  try {
    const url = `${server.url}/openapi/v2/teams/42`;
    const bare = createClient<paths>({ baseUrl: server.url, headers: { apikey: apiKey } });
    const ours = createCaacClient({ apiKey, baseUrl: server.url });
    const loopback = await interleave(
      [
        {
          name: "raw fetch",
          once: async () => (await fetch(url, { headers: { apikey: apiKey } })).json(),
        },
        { name: "bare openapi-fetch", once: async () => (await bare.GET(PATH, call)).data },
        { name: "our client", once: async () => ours.unwrap(await ours.GET(PATH, call)) },
      ],
      options.requests,
      options.rounds,
    );
    for (const [name, values] of loopback) {
      rows.push({ metric: `loopback, ${name}: median per request`, value: `${fmt(median(values), 1)} µs` });
    }
    const oursVsRaw = ratio(loopback, "our client", "raw fetch");
    rows.push({
      metric: "loopback: our client ÷ raw fetch (time per request)",
      value: `${fmt(oursVsRaw, 3)}×`,
      target: "≤ 1.05×",
      status: status(oursVsRaw <= 1.05),
    });
    rows.push({
      metric: "loopback: bare openapi-fetch ÷ raw fetch",
      value: `${fmt(ratio(loopback, "bare openapi-fetch", "raw fetch"), 3)}×`,
    });
    rows.push({
      metric: "loopback: our client ÷ bare openapi-fetch",
      value: `${fmt(ratio(loopback, "our client", "bare openapi-fetch"), 3)}×`,
    });
  } finally {
    await server.stop();
  }

  // In memory: the same injected fetch answers both clients with a fresh Response over prebuilt bytes.
  const bytes = new TextEncoder().encode(
    JSON.stringify({ id: 42, name: "Support", description: "Front-line support team" }),
  );
  const init = { status: 200, headers: { "content-type": "application/json" } };
  const memoryFetch = async (_request: Request) => new Response(bytes, init);
  const baseUrl = CAAC_BASE_URLS.tw;
  const bare = createClient<paths>({ baseUrl, headers: { apikey: apiKey }, fetch: memoryFetch });
  const ours = createCaacClient({ apiKey, baseUrl, fetch: memoryFetch });
  const memory = await interleave(
    [
      { name: "bare openapi-fetch", once: async () => (await bare.GET(PATH, call)).data },
      { name: "our client", once: async () => ours.unwrap(await ours.GET(PATH, call)) },
    ],
    options.memoryCalls,
    options.rounds,
  );
  for (const [name, values] of memory) {
    rows.push({ metric: `in memory, ${name}: median per call`, value: `${fmt(median(values), 2)} µs` });
  }
  const oursMemory = memory.get("our client") ?? [];
  const bareMemory = memory.get("bare openapi-fetch") ?? [];
  const extra = median(oursMemory.map((value, i) => value - (bareMemory[i] ?? Number.NaN)));
  rows.push({
    metric: "in memory: our client − bare openapi-fetch (per call)",
    value: `${fmt(extra, 2)} µs`,
    target: "≤ 10 µs",
    status: status(extra <= 10),
  });
  rows.push({
    metric: "in memory: our client ÷ bare openapi-fetch",
    value: `${fmt(median(oursMemory.map((value, i) => value / (bareMemory[i] ?? Number.NaN))), 2)}×`,
  });

  notes.push(
    "Profile (2026-11-23, `node --cpu-prof` on tsc output, 30,000 in-memory calls at ~290 µs each) — the extra cost is in " +
      "`src/core/runtime-fetch.ts` `run()` and `src/core/timeout.ts` `attemptSignal()`, all of it undici object construction on Node 20: " +
      "(1) `attemptSignal` ≈ 14 % of samples (~40 µs), of which `AbortSignal.any` ≈ 9 % (~26 µs): `request.signal` is never undefined for a " +
      "`Request`, so `userSignal` is always set and every attempt combines two signals; " +
      "(2) `new Request(…, { signal })` wrapping each attempt ≈ 11 % (~32 µs); " +
      "(3) `request.clone()` ≈ 9 % (~25 µs), taken whenever `attempt < maxRetries`, even for a body-less GET that could be resent as is " +
      "(with `maxRetries: 0` our client measured 246 µs vs 364 µs per call, bare openapi-fetch 119 µs); " +
      "(4) `redactUrl` for the log object, computed even without a logger ≈ 2.6 % (~7 µs).",
    "Fixed 2026-11-23 (src/core): one `AbortController` per attempt with a single `abort` listener (no `AbortSignal.any`); the " +
      "deadline signal goes to `fetch` in `init` (no per-attempt `new Request`), and for a custom fetch as a lazy getter (an in-memory " +
      "fake that never reads it creates no signal; the attempt is raced against the deadline); `clone()` only for requests with a body; " +
      "log fields only with a logger; default headers merged only when they change something. What remains per call: the retry/timeout " +
      "bookkeeping (timer, listener, one promise) and, with the global fetch, the AbortSignal undici follows.",
    "On loopback the same overhead is a few per cent of a ~0.6 ms round trip; the ratio moves with the load on the shared machine.",
  );

  return {
    title: "Client overhead",
    method:
      `Sequential \`GET /openapi/v2/teams/42\` against a node:http server in its own process returning a 70-byte JSON body ` +
      `(${options.requests} requests per variant per round, ${options.rounds} interleaved rounds, medians; ratios are the median of per-round ratios). ` +
      `"Our client" is \`createCaacClient\` with its defaults on (2 retries, 60 s timeout, typed errors, redaction) and \`unwrap\`. ` +
      `In memory: an injected \`fetch\` returning a new \`Response\` over prebuilt bytes, ${options.memoryCalls} calls per variant per round.`,
    rows,
    notes,
  };
}
