// Keeps `npm run bench` working: runs its quick mode and checks that the report has every section
// and real numbers. No wall-clock assertions; the figures of a smoke run mean nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
const out = join(dir, "RESULTS.md");
const number = String.raw`\d[\d,]*(?:\.\d+)?`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --quick", () => {
  it("writes a report with every section, the machine, and numeric figures", {
    timeout: 120_000,
  }, async () => {
    await promisify(execFile)("npx", ["--no-install", "tsx", "bench/run.ts", "--quick", "--out", out], {
      cwd: root,
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
      timeout: 110_000,
    });
    const report = readFileSync(out, "utf8");
    for (const heading of [
      "## Summary",
      "## Client overhead",
      "## Streaming",
      "## Agent runtime",
      "## Fifth Element bridge: conversation store",
      "## Spec tooling wall time",
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).toMatch(/- Machine: .+ × \d+ logical CPUs, [\d.]+ GiB RAM, .+ Node v\d+/);
    expect(report).toMatch(/- Date: \d{4}-\d\d-\d\dT/);
    for (const figure of [
      `loopback GET \\(CAAC team\\), raw fetch: median per request \\| ${number} µs`,
      `loopback GET \\(CAAC team\\): our client ÷ raw fetch \\| ${number}× \\| ≤ 1.15× \\| (met|missed)`,
      `loopback POST \\(Fifth Element chat\\): our client ÷ raw fetch \\| ${number}× \\| ≤ 1.15× \\| (met|missed)`,
      `in memory POST \\(Fifth Element chat\\): our client − raw fetch \\(per call\\) \\| -?${number} µs \\| ≤ 10 µs \\| (met|missed)`,
      `throughput, eventsource-parser alone \\| ${number} MB/s`,
      `throughput: chatStream ÷ eventsource-parser \\+ JSON.parse \\(same work\\) \\| ${number}× \\| ≥ 0.90× \\| (met|missed)`,
      `latency, short stream .*: median / p99 \\| ${number} / ${number} ms`,
      `serveAgent \\+ createAgentHandler: req/s · p50 / p99 latency · RSS after \\| ${number} req/s · ${number} / ${number} ms · ${number} MiB`,
      `serveAgent \\+ createAgentHandler: GC per 1,000 requests .*\\| ${number} ms · ${number} · ${number} · ${number} ms`,
      `GC pause per 1,000 requests: serveAgent ÷ bare node:http \\| ${number}×`,
      `serveAgent ÷ bare node:http \\(req/s\\) \\| ${number}× \\| ≥ 0.90× \\| (met|missed)`,
      `createAgentHandler in Hono ÷ bare node:http \\(req/s\\) \\| ${number}× \\| ≥ 0.75× \\| (met|missed)`,
      `serveAgent ÷ Fastify \\+ Ajv \\(req/s\\) \\| ${number}× \\| > 1.00× \\| (met|missed)`,
    ]) {
      expect(report).toMatch(new RegExp(figure));
    }
    expect(report).not.toContain("n/a |");
  });
});
