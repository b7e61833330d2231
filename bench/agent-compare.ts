/**
 * The agent-runtime section on its own, for before/after comparisons on a noisy machine:
 * `npx tsx bench/agent-compare.ts [--connections 50] [--duration 10] [--warmup 2] [--rounds 2]
 *   [variant ...]` where a variant is `kind` (bare | agent | fastify) or `kind@/path/to/checkout`
 * (that checkout's `bench/servers/agent-servers.ts`, e.g. a `git worktree` of the previous commit).
 * Variants run in interleaved rounds, each in a fresh process; prints req/s, p50/p99 and RSS per
 * run and the medians.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import bundle from "../generated/caac-agent.bundle.js";
import type { ChildMessage } from "./lib/child.js";
import { median, rotate } from "./lib/stats.js";
import { TOKEN } from "./servers/token.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "2" },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const variants = positionals.length > 0 ? positionals : ["bare", "agent", "fastify"];
const here = fileURLToPath(new URL("..", import.meta.url));

const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

type Run = { rps: number; p50: number; p99: number; rss: number; bad: number };

async function measure(variant: string): Promise<Run> {
  const [kind, root = here] = variant.split("@") as [string, string?];
  // Compiled (tsc output), the sibling .js servers run on plain Node; otherwise through tsx.
  const compiled = import.meta.url.endsWith(".js");
  const entry = resolve(root, `bench/servers/agent-servers.${compiled ? "js" : "ts"}`);
  const child = fork(entry, [kind], {
    execArgv: compiled ? [] : ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  const exited = once(child, "exit");
  const port = await new Promise<number>((ok, fail) => {
    child.once("exit", (code) => fail(new Error(`${variant} exited with ${code}`)));
    child.on("message", (m: ChildMessage) => {
      if (m.type === "listening") ok(m.port);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const check = await fetch(url, { method: "POST", body, headers });
    const text = await check.text();
    if (check.status !== 200) throw new Error(`${variant}: ${check.status} ${text}`);
    const run = (seconds: number) =>
      autocannon({ url, method: "POST", body, headers, connections, duration: seconds });
    if (warmup > 0) await run(warmup);
    const result = await run(duration);
    const rss = await new Promise<number>((ok) => {
      child.on("message", (m: ChildMessage) => {
        if (m.type === "rss") ok(m.rss);
      });
      child.send({ type: "rss" });
    });
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      rss,
      bad: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    child.send({ type: "exit" });
    await exited;
  }
}

const runs = new Map<string, Run[]>(variants.map((v) => [v, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of rotate(variants, round)) {
    const run = await measure(variant);
    runs.get(variant)?.push(run);
    console.log(
      `round ${round + 1} ${variant}: ${Math.round(run.rps)} req/s · p50 ${run.p50} / p99 ${run.p99} ms · ` +
        `RSS ${Math.round(run.rss / 1024 ** 2)} MiB${run.bad > 0 ? ` · ${run.bad} non-2xx/errors` : ""}`,
    );
  }
}
console.log("\nmedians:");
for (const [variant, list] of runs) {
  const pick = (f: (r: Run) => number) => median(list.map(f));
  console.log(
    `${variant.padEnd(40)} ${Math.round(pick((r) => r.rps))} req/s · p50 ${pick((r) => r.p50)} / p99 ` +
      `${pick((r) => r.p99)} ms · RSS ${Math.round(pick((r) => r.rss) / 1024 ** 2)} MiB`,
  );
}
