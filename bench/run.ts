/**
 * `npm run bench [-- --quick] [-- --out <file>]`: runs every benchmark section and writes a Markdown
 * report. Full mode writes bench/RESULTS.md (the README quotes its headline ratios); `--quick` uses smoke sizes
 * (well under 30 s) and writes to a temp file unless `--out` is given.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { agentRuntime } from "./agent-runtime.js";
import { bridgeStore } from "./bridge-store.js";
import { clientOverhead } from "./client-overhead.js";
import { render, type Section } from "./lib/report.js";
import { streaming } from "./streaming.js";
import { tooling } from "./tooling.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    baseline: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: npm run bench [-- --quick] [-- --out <file>] [-- --baseline <checkout of an older commit>]",
  );
  process.exit(0);
}
const quick = values.quick ?? false;
const defaultOut = fileURLToPath(new URL("RESULTS.md", import.meta.url));
const out = values.out ?? (quick ? join(tmpdir(), "chat-agent-apis-bench-quick.md") : defaultOut);

const sizes = quick
  ? {
      client: { requests: 200, memoryCalls: 500, rounds: 2 },
      stream: { bytes: 1e6, rounds: 1, shortProbes: 10, longProbes: 20, fillerPerProbe: 10_000 },
      agent: { connections: 10, duration: 1, warmup: 0, rounds: 1 },
      bridge: { connections: 10, duration: 1, rounds: 1 },
    }
  : {
      client: { requests: 1000, memoryCalls: 5000, rounds: 5 },
      stream: { bytes: 20e6, rounds: 3, shortProbes: 200, longProbes: 1000, fillerPerProbe: 20_000 },
      agent: { connections: 50, duration: 10, warmup: 2, rounds: 2 },
      bridge: { connections: 20, duration: 5, rounds: 2 },
    };

const started = performance.now();
const sections: Section[] = [];
const steps: [string, () => Promise<Section>][] = [
  ["client overhead", () => clientOverhead(sizes.client)],
  ["streaming", () => streaming(sizes.stream)],
  ["agent runtime", () => agentRuntime({ ...sizes.agent, baseline: values.baseline })],
  ["bridge store", () => bridgeStore(sizes.bridge)],
  ["spec tooling", () => tooling({ skip: quick, baseline: values.baseline })],
];
for (const [name, step] of steps) {
  const stepStart = performance.now();
  process.stderr.write(`bench: ${name}…`);
  const section = await step();
  sections.push(section);
  process.stderr.write(` ${((performance.now() - stepStart) / 1000).toFixed(1)} s\n`);
  for (const row of section.rows) {
    if (row.target)
      process.stderr.write(`  ${row.metric}: ${row.value} (target ${row.target}: ${row.status})\n`);
  }
}

const wallSeconds = (performance.now() - started) / 1000;
writeFileSync(out, render(sections, { quick, wallSeconds }));
console.log(`bench: wrote ${out} in ${wallSeconds.toFixed(0)} s`);
