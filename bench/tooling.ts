/**
 * Section 4: wall time of the spec tooling — `npm run contract`, `npm run generate` and
 * `npm run lint` — in a scratch copy of the working tree, so that regenerating never touches the
 * files other people are editing.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
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

export async function tooling(options: { skip: boolean }): Promise<Section> {
  const title = "Spec tooling wall time";
  if (options.skip) {
    return {
      title,
      method: "Skipped in --quick mode.",
      rows: [
        { metric: "npm run contract", value: "skipped (--quick)", status: "not measured" },
        { metric: "npm run generate + npm run lint", value: "skipped (--quick)", status: "not measured" },
      ],
    };
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  const dir = scratchCopy();
  try {
    await gitInit(dir);
    if (existsSync(join(dir, "scripts", "contract"))) {
      const contract = await timeScript(dir, "contract");
      rows.push({
        metric: "npm run contract",
        value: `${fmt(contract.seconds, 1)} s (exit ${contract.code})`,
        // Issue 4: "on this 2-core machine the whole run should take under 30 s".
        target: "< 30 s",
        status: contract.code === 0 && contract.seconds < 30 ? "met" : "missed",
      });
      if (contract.code !== 0) notes.push(`\`npm run contract\` failed: ${contract.tail}`);
    } else {
      rows.push({
        metric: "npm run contract",
        value: "n/a",
        target: "none (recorded)",
        status: "not measured",
      });
      notes.push("`scripts/contract` does not exist yet, so the contract run was not measured.");
    }
    const generate = await timeScript(dir, "generate");
    const lint = await timeScript(dir, "lint");
    rows.push({ metric: "npm run generate", value: `${fmt(generate.seconds, 1)} s (exit ${generate.code})` });
    rows.push({ metric: "npm run lint", value: `${fmt(lint.seconds, 1)} s (exit ${lint.code})` });
    rows.push({
      metric: "npm run generate + npm run lint",
      value: `${fmt(generate.seconds + lint.seconds, 1)} s`,
      target: "none (recorded)",
      status: "info",
    });
    if (generate.code !== 0) notes.push(`\`npm run generate\` failed: ${generate.tail}`);
    if (lint.code !== 0) {
      notes.push(
        `\`npm run lint\` failed on the working tree as it was (others' work in progress), so it stopped at Biome ` +
          `and its time is short of a full lint: ${lint.tail.slice(0, 160)}`,
      );
      // scripts/lint runs tsc last; time it alone so the record still covers the whole lint.
      const tsc = await timeCommand(dir, "npx", ["--no-install", "tsc", "-p", "tsconfig.json"]);
      rows.push({
        metric: "lint's last step alone (tsc -p tsconfig.json), not reached above",
        value: `${fmt(tsc.seconds, 1)} s (exit ${tsc.code})`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title,
    method:
      "Each script is spawned (`npm run --silent <script>`) in a scratch copy of the working tree (node_modules linked), " +
      "so regenerating cannot disturb work in progress; wall time of one run each. There is no target: the figure is for the record.",
    rows,
    notes,
  };
}
