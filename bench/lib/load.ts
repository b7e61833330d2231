/**
 * A load generator in its own process: wrk (C, one thread: it leaves the other core to the server)
 * when it is on PATH (`apt-get install wrk`), else autocannon's CLI in a child Node process. Either
 * way the benchmark process does no load work of its own while a server is measured.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One load run against a server. */
export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  /** Seconds. */
  duration: number;
}

/** What the generator measured. */
export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx/3xx, plus connection errors and timeouts. */
  failures: number;
}

/** Which generator {@link load} uses on this machine (`BENCH_LOAD=autocannon` forces the fallback). */
export const generator: "wrk" | "autocannon" =
  process.env.BENCH_LOAD !== "autocannon" && spawnSync("wrk", ["--version"]).error === undefined
    ? "wrk"
    : "autocannon";

/** Runs one load of `options.duration` seconds. */
export function load(options: LoadOptions): Promise<LoadResult> {
  return generator === "wrk" ? wrk(options) : autocannonCli(options);
}

async function wrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
  const script = join(dir, "post.lua");
  const headers = Object.entries(options.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join("\n");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(options.body)}\n${headers}\n` +
      // One JSON line at the end: summary.duration is in µs, latency percentiles too.
      `done = function(summary, latency, requests)\n` +
      `  local e = summary.errors\n` +
      `  io.write(string.format('\\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"failures":%d}\\n',` +
      ` summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),` +
      ` e.status + e.connect + e.read + e.write + e.timeout))\nend\n`,
  );
  const { stdout } = await run("wrk", [
    "-t1",
    `-c${options.connections}`,
    `-d${options.duration}s`,
    "-s",
    script,
    options.url,
  ]);
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const parsed = JSON.parse(line) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p99Us: number;
    failures: number;
  };
  return {
    requestsPerSecond: parsed.requests / (parsed.durationUs / 1e6),
    requests: parsed.requests,
    p50Ms: parsed.p50Us / 1000,
    p99Ms: parsed.p99Us / 1000,
    failures: parsed.failures,
  };
}

async function autocannonCli(options: LoadOptions): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  const args = [cli, "--json", "-c", String(options.connections), "-d", String(options.duration)];
  args.push("-m", "POST", "-b", options.body);
  for (const [name, value] of Object.entries(options.headers)) args.push("-H", `${name}=${value}`);
  const { stdout } = await run(process.execPath, [...args, options.url], { maxBuffer: 16 * 1024 ** 2 });
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
