/**
 * Section 4: wall time of the spec tooling — `npm run contract`, `npm test`, `npm run generate`
 * and `npm run lint` — in a scratch copy of the working tree, so that regenerating never touches
 * the files other people are editing, side by side with a baseline checkout. Each run's CPU time
 * (user + system of the whole process tree, from bash's `time`) is reported beside its wall time:
 * on a shared two-core machine the wall time moves with other people's load, the CPU time much less.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Row, Section } from "./lib/report.js";
import { fmt, median } from "./lib/stats.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", "dist", ".tmp", "test-results"]);

type Timed = { seconds: number; cpuSeconds: number; code: number; tail: string };

/** The marker bash's `time` prints the CPU figures after (TIMEFORMAT below). */
const CPU_MARK = "bench-cpu:";

/**
 * Runs `npm run <script>` in `cwd` under bash's `time`, which sums the CPU of every process the
 * script waited for; wall and CPU time in seconds, and the exit code.
 */
function timeScript(cwd: string, script: string): Promise<Timed> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", `TIMEFORMAT='${CPU_MARK} %U %S'; time npm run --silent ${script}`], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => {
      const cpu = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(output);
      const tail = output
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.includes("nodedir") && !line.startsWith(CPU_MARK))
        .slice(-3)
        .join(" / ");
      resolve({
        seconds: (performance.now() - start) / 1000,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
        code: code ?? 1,
        tail,
      });
    });
  });
}

/** A copy of the working tree (without node_modules, which is linked) as a git repo for Biome. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-tooling-"));
  cpSync(root, dir, {
    recursive: true,
    filter: (source) => {
      const relative = source.slice(root.length).split("/")[0] ?? "";
      return !SKIP.has(relative);
    },
  });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function git(dir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn("git", args, { cwd: dir, stdio: "ignore" }).on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`git ${args[0]} exited ${code}`)),
    );
  });
}

/** A committed repository, as a clone is: the contract run's generated/ drift check needs a HEAD. */
async function gitInit(dir: string): Promise<void> {
  await git(dir, ["init", "-q"]);
  await git(dir, ["add", "-A"]);
  await git(dir, ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "scratch"]);
}

/** One timed script: its row and, when it failed, a note. */
async function timed(dir: string, script: string, label: string, rows: Row[], notes: string[]) {
  const run = await timeScript(dir, script);
  rows.push({ metric: label, value: `${fmt(run.seconds, 1)} s (exit ${run.code})` });
  if (run.code !== 0) notes.push(`${label} failed: ${run.tail.slice(0, 240)}`);
  return run;
}

/** How many interleaved rounds each script gets (npm test is long: one round unless asked). */
export type ToolingRounds = { contract: number; test: number };

export async function tooling(options: {
  skip: boolean;
  baseline?: string | undefined;
  rounds?: ToolingRounds | undefined;
}): Promise<Section> {
  const title = "Spec tooling wall time";
  if (options.skip) {
    return {
      title,
      method: "Skipped in --quick mode.",
      rows: [
        { metric: "npm run contract", value: "skipped (--quick)", status: "not measured" },
        { metric: "npm test", value: "skipped (--quick)", status: "not measured" },
      ],
    };
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  const dir = scratchCopy();
  const baseline = options.baseline;
  try {
    await gitInit(dir);
    // Side by side: the baseline checkout and this tree alternate, the baseline first in odd rounds
    // and second in even ones; medians of the rounds, ratios of the medians.
    const rounds = options.rounds ?? { contract: 3, test: 1 };
    for (const script of ["contract", "test"] as const) {
      if (rounds[script] === 0) continue;
      const label = script === "test" ? "npm test" : "npm run contract";
      const old: Timed[] = [];
      const now: Timed[] = [];
      for (let round = 0; round < rounds[script]; round++) {
        const order = round % 2 === 0 ? (["old", "now"] as const) : (["now", "old"] as const);
        for (const which of order) {
          if (which === "old" && baseline) old.push(await timeScript(baseline, script));
          if (which === "now") now.push(await timeScript(dir, script));
        }
      }
      const summary = (runs: Timed[], who: string) => {
        const failed = runs.filter((run) => run.code !== 0);
        for (const run of failed) notes.push(`${label}, ${who} failed: ${run.tail.slice(0, 240)}`);
        const wall = median(runs.map((run) => run.seconds));
        const cpu = median(runs.map((run) => run.cpuSeconds));
        rows.push({
          metric: `${label}, ${who}: median wall · CPU (${runs.length} run${runs.length === 1 ? "" : "s"})`,
          value: `${fmt(wall, 1)} s · ${fmt(cpu, 1)} s${failed.length ? ` (${failed.length} failed)` : ""}`,
        });
        return { wall, cpu, ok: failed.length === 0 };
      };
      const mine = summary(now, "this tree");
      if (baseline) {
        const theirs = summary(old, "baseline checkout");
        const ratio = mine.wall / theirs.wall;
        rows.push({
          metric: `${label}: this tree ÷ baseline (wall time)`,
          value: `${fmt(ratio, 2)}×`,
          target: "≤ 0.50×",
          status: mine.ok && theirs.ok && ratio <= 0.5 ? "met" : "missed",
        });
        rows.push({
          metric: `${label}: this tree ÷ baseline (CPU time)`,
          value: `${fmt(mine.cpu / theirs.cpu, 2)}×`,
          status: "info",
        });
      }
    }
    const generate = await timed(dir, "generate", "npm run generate", rows, notes);
    const lint = await timed(dir, "lint", "npm run lint", rows, notes);
    rows.push({
      metric: "npm run generate + npm run lint",
      value: `${fmt(generate.seconds + lint.seconds, 1)} s`,
      status: "info",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title,
    method:
      "Each script is spawned (`npm run --silent <script>`) in a scratch copy of the working tree (node_modules linked, " +
      "committed as a scratch git repository), so regenerating cannot disturb work in progress" +
      (baseline
        ? `, alternating with the same script in the baseline checkout \`${baseline}\` (its own \`npm ci\`), the order swapped every round; medians of ${(options.rounds ?? { contract: 3, test: 1 }).contract} round(s) for the contract run and ${(options.rounds ?? { contract: 3, test: 1 }).test} for npm test. CPU time is user + system of the whole process tree (bash's \`time\`).`
        : "; no baseline checkout given (`npm run bench -- --baseline <dir>`)."),
    rows,
    notes,
  };
}
