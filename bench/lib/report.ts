/** The shape every section returns, and the Markdown rendering of all of them into RESULTS.md. */
import os from "node:os";

/** Whether a figure meets its target. */
export type Status = "met" | "missed" | "info" | "not measured";

/** One line of a section's table. */
export interface Row {
  /** What was measured, e.g. "our client vs raw fetch". */
  metric: string;
  /** The figure, already formatted, e.g. "1.03×" or "152 µs". */
  value: string;
  /** The target, e.g. "≤ 1.05×"; empty when the row is context. */
  target?: string;
  status?: Status;
}

/** One benchmark section. */
export interface Section {
  /** Heading; the smoke test checks that every one is present. */
  title: string;
  /** How it was measured, in a sentence or two. */
  method: string;
  rows: Row[];
  /** Misses and their causes, observations. */
  notes?: string[];
}

/** A compact description of the machine the figures came from. */
export function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memory = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${model} × ${cpus.length} logical CPUs, ${memory} GiB RAM, ${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}`;
}

/** Renders the full report. */
export function render(
  sections: readonly Section[],
  context: { quick: boolean; wallSeconds: number },
): string {
  const lines: string[] = [
    "# Benchmark results",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}`,
    `- Load average at the end: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(", ")}`,
    `- Mode: ${context.quick ? "quick (smoke sizes; figures are not meaningful)" : "full"}; run took ${context.wallSeconds.toFixed(0)} s`,
    "- The machine is shared: other engineers' test suites ran at the same time, so absolute figures are",
    "  noisy. Variants are measured in interleaved rounds and compared as ratios taken side by side.",
    "",
    "Regenerate with `npm run bench` (full) or `npm run bench -- --quick --out <file>` (smoke).",
    "",
    "## Summary",
    "",
    "| section | metric | figure | target | status |",
    "|---|---|---|---|---|",
  ];
  for (const section of sections) {
    for (const row of section.rows) {
      if (!row.target) continue;
      lines.push(`| ${section.title} | ${row.metric} | ${row.value} | ${row.target} | ${row.status ?? ""} |`);
    }
  }
  for (const section of sections) {
    lines.push("", `## ${section.title}`, "", section.method, "", "| metric | figure | target | status |");
    lines.push("|---|---|---|---|");
    for (const row of section.rows) {
      lines.push(`| ${row.metric} | ${row.value} | ${row.target ?? ""} | ${row.status ?? ""} |`);
    }
    if (section.notes?.length) {
      lines.push("");
      for (const note of section.notes) lines.push(`- ${note}`);
    }
  }
  lines.push("");
  return lines.join("\n");
}

/** `met` when `ok`, else `missed`. */
export function status(ok: boolean): Status {
  return ok ? "met" : "missed";
}
