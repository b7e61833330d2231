/**
 * Section 4: wall time of the spec tooling — `npm run contract`, `npm run generate` and
 * `npm run lint` — in a scratch copy of the working tree, so that regenerating never touches the
 * files other people are editing.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Row, Section } from "./lib/report.js";
import { fmt } from "./lib/stats.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", "dist", ".tmp", "test-results"]);

/** Runs `npm run <script>` in `cwd`; wall time in seconds and exit code. */
function timeScript(cwd: string, script: string): Promise<{ seconds: number; code: number; tail: string }> {
  return timeCommand(cwd, "npm", ["run", "--silent", script]);
}

function timeCommand(
  cwd: string,
  command: string,
  args: readonly string[],
): Promise<{ seconds: number; code: number; tail: string }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => {
      const tail = output
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.includes("nodedir"))
        .slice(-3)
        .join(" / ");
      resolve({ seconds: (performance.now() - start) / 1000, code: code ?? 1, tail });
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

export async function tooling(options: { skip: boolean; baseline?: string | undefined }): Promise<Section> {
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
    // Side by side: the baseline checkout and this tree alternate, one run each.
    for (const script of ["contract", "test"] as const) {
      const label = script === "test" ? "npm test" : "npm run contract";
      const old = baseline
        ? await timed(baseline, script, `${label}, baseline checkout`, rows, notes)
        : undefined;
      const now = await timed(dir, script, `${label}, this tree`, rows, notes);
      if (old) {
        const ratio = now.seconds / old.seconds;
        rows.push({
          metric: `${label}: this tree ÷ baseline (wall time)`,
          value: `${fmt(ratio, 2)}×`,
          target: "≤ 0.50×",
          status: now.code === 0 && old.code === 0 && ratio <= 0.5 ? "met" : "missed",
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
        ? `, alternating with the same script in the baseline checkout \`${baseline}\` (its own \`npm ci\`); one run each.`
        : "; one run each (no baseline checkout given: `npm run bench -- --baseline <dir>`)."),
    rows,
    notes,
  };
}
