/**
 * Runs only some benchmark sections and prints their rows (no RESULTS.md written):
 * `npx tsx bench/sections.ts client|streaming|agent… [--quick] [--rounds N]` (`--rounds`: the client
 * section's interleaved rounds, default 5; more rounds steady the medians on a loaded machine).
 */
import { parseArgs } from "node:util";
import { agentRuntime } from "./agent-runtime.js";
import { clientOverhead } from "./client-overhead.js";
import type { Section } from "./lib/report.js";
import { streaming } from "./streaming.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: "boolean", default: false }, rounds: { type: "string" } },
});
const quick = values.quick ?? false;
const run: Record<string, () => Promise<Section>> = {
  client: () =>
    clientOverhead(
      quick
        ? { requests: 200, memoryCalls: 500, rounds: 2 }
        : { requests: 1000, memoryCalls: 5000, rounds: Number(values.rounds ?? 5) },
    ),
  streaming: () =>
    streaming(
      quick
        ? { bytes: 1e6, rounds: 1, shortProbes: 10, longProbes: 20, fillerPerProbe: 10_000 }
        : { bytes: 20e6, rounds: 3, shortProbes: 200, longProbes: 1000, fillerPerProbe: 20_000 },
    ),
  agent: () =>
    agentRuntime(
      quick
        ? { connections: 10, duration: 1, warmup: 0, rounds: 1 }
        : { connections: 50, duration: 10, warmup: 2, rounds: 2 },
    ),
};
for (const name of positionals.length > 0 ? positionals : Object.keys(run)) {
  const step = run[name];
  if (!step) throw new Error(`unknown section ${name}; use ${Object.keys(run).join(", ")}`);
  const section = await step();
  console.log(`## ${name}`);
  for (const row of section.rows) {
    console.log(`${row.metric}: ${row.value}${row.target ? ` (target ${row.target}: ${row.status})` : ""}`);
  }
}
