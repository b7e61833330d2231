/**
 * `npm run bench [-- --quick] [-- --out <file>]`: runs every benchmark section and writes a Markdown
 * report. Full mode writes bench/RESULTS.md (the README quotes its headline ratios); `--quick` uses smoke sizes
 * (well under 30 s) and writes to a temp file unless `--out` is given. `--only client,agent` runs
 * only those sections (client, streaming, agent, bridge, tooling) and, like `--quick`, writes to a
 * temp file unless `--out` is given, so a partial run never replaces RESULTS.md.
 * `--tooling-rounds C,T` sets the spec tooling's rounds (contract, npm test; default 3,1; 0 skips one);
 * `--rounds N` the client section's interleaved rounds (default 5; more steady the medians on a loaded machine).
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
    only: { type: "string" },
    "tooling-rounds": { type: "string" },
    rounds: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: npm run bench [-- --quick] [-- --out <file>] [-- --baseline <checkout of an older commit>] [-- --only client,streaming,agent,bridge,tooling] [-- --tooling-rounds 3,1] [-- --rounds 5]",
  );
  process.exit(0);
}
const quick = values.quick ?? false;
const SECTIONS = ["client", "streaming", "agent", "bridge", "tooling"] as const;
const only = values.only?.split(",").map((name) => name.trim());
for (const name of only ?? [])
  if (!(SECTIONS as readonly string[]).includes(name)) {
    console.error(`bench: --only: unknown section "${name}" (sections: ${SECTIONS.join(", ")})`);
    process.exit(2);
  }
const toolingRounds = values["tooling-rounds"]?.split(",").map(Number);
if (
  toolingRounds &&
  (toolingRounds.length !== 2 || !toolingRounds.every((n) => Number.isInteger(n) && n >= 0))
) {
  console.error(
    "bench: --tooling-rounds takes two integers ≥ 0, contract and npm test rounds (0 skips it): 3,1",
  );
  process.exit(2);
}
const clientRounds = Number(values.rounds ?? 5);
if (!Number.isInteger(clientRounds) || clientRounds < 1) {
  console.error("bench: --rounds takes a positive integer, the client section's rounds: 5");
  process.exit(2);
}
const defaultOut = fileURLToPath(new URL("RESULTS.md", import.meta.url));
const out =
  values.out ??
  (quick || only ? join(tmpdir(), `chat-agent-apis-bench-${quick ? "quick" : "partial"}.md`) : defaultOut);

const sizes = quick
  ? {
      client: { requests: 200, memoryCalls: 500, rounds: 2 },
      stream: { bytes: 1e6, rounds: 1, shortProbes: 10, longProbes: 20, fillerPerProbe: 10_000 },
      agent: { connections: 10, duration: 1, warmup: 0, rounds: 1 },
      bridge: { connections: 10, duration: 1, rounds: 1 },
    }
  : {
      client: { requests: 1000, memoryCalls: 5000, rounds: clientRounds },
      stream: { bytes: 20e6, rounds: 3, shortProbes: 200, longProbes: 1000, fillerPerProbe: 20_000 },
      agent: { connections: 50, duration: 10, warmup: 2, rounds: 2 },
      bridge: { connections: 20, duration: 5, rounds: 2 },
    };

const started = performance.now();
const sections: Section[] = [];
const steps: [(typeof SECTIONS)[number], string, () => Promise<Section>][] = [
  ["client", "client overhead", () => clientOverhead(sizes.client)],
  ["streaming", "streaming", () => streaming(sizes.stream)],
  ["agent", "agent runtime", () => agentRuntime({ ...sizes.agent, baseline: values.baseline })],
  ["bridge", "bridge store", () => bridgeStore(sizes.bridge)],
  [
    "tooling",
    "spec tooling",
    () =>
      tooling({
        skip: quick,
        baseline: values.baseline,
        rounds: toolingRounds ? { contract: toolingRounds[0] ?? 3, test: toolingRounds[1] ?? 1 } : undefined,
      }),
  ],
];
for (const [key, name, step] of steps) {
  if (only && !only.includes(key)) continue;
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
