// A fresh project outside the repository that installs the package from its packed tarball, as a
// user would after `npm pack` (or from a registry): only what `files` ships is there, and
// dependencies resolve from the consumer's own node_modules, never from this repository's.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The consumer's sources, copied into each project. */
const appSources = fileURLToPath(new URL("app", import.meta.url));

/** Why a consumer cannot be built here (dist/ missing), or undefined when it can. */
export const consumerUnavailable: string | undefined = existsSync(join(repoRoot, "dist/src/index.js"))
  ? undefined
  : "dist/ is missing; `npm test` builds it first (or run `npm run build`)";

export interface ConsumerProject {
  /** The project's directory (its package.json, node_modules and the app/ sources). */
  dir: string;
  /** The packed tarball it installed. */
  tarball: string;
}

/** How long a half-built project's lock is honoured before it is taken as abandoned. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * The consumer project of this build of the package, packed and installed once and shared by every
 * test file that needs one (three do, and each of the unit runs of .ci/run: packing and installing
 * is ~12 s of CPU each, issue 17). It lives outside the repository, so nothing resolves from the
 * repository's node_modules, under a name that is a hash of everything it is made of (dist/,
 * package.json, the app/ sources and this file): a rebuilt package gets a new project. The test
 * files only read it; the one that adds a link (the mock test) does so idempotently.
 */
export async function sharedConsumerProject(): Promise<ConsumerProject> {
  const dir = join(tmpdir(), `chat-agent-apis-consumer-${contentKey()}`);
  const ready = join(dir, ".tarball");
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(ready)) return { dir, tarball: readFileSync(ready, "utf8") };
    if (!tryLock(lock)) {
      // Another worker is building it: wait.
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (!existsSync(ready)) await buildProject(dir, ready);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Takes `lock` (a directory holding its owner's pid) and returns true, or returns false while
 * another live process holds it. A lock whose owner has exited (a run interrupted mid-build: Ctrl+C,
 * SIGKILL) is taken over at once, not after STALE_LOCK_MS: the next run's consumer tests would
 * otherwise wait past their 60 s hook timeout.
 */
export function tryLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return true;
    } catch {
      if (!abandoned(lock)) return false;
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return false;
}

function abandoned(lock: string): boolean {
  const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
  if (since === undefined) return false;
  let owner = 0;
  try {
    owner = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    // Not written yet.
  }
  if (owner > 0) {
    try {
      process.kill(owner, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
  }
  // No pid yet (its owner is between mkdir and write) or a live owner: only a very old lock is abandoned.
  return Date.now() - since > STALE_LOCK_MS;
}

/**
 * What the project is made of: package.json, every folder its `files` ships from (dist/, and the
 * specs and bundles the mocks read), the consumer's sources and this file.
 */
export const PROJECT_INPUTS = [
  "package.json",
  "dist",
  "specs",
  "generated",
  "test/consumers/app",
  "test/consumers/consumer-project.ts",
] as const;

/** A hash of what the project is made of. */
function contentKey(): string {
  const hash = createHash("sha256");
  const add = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
      return;
    }
    hash.update(path.slice(repoRoot.length)).update("\0").update(readFileSync(path)).update("\0");
  };
  for (const path of PROJECT_INPUTS) add(join(repoRoot, path));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Packs the repository (without lifecycle scripts: dist/ is already built, and a `prepack` rebuild
 * would race the other test files reading dist/) and installs the tarball into a new project,
 * with @types/node at the floor's version and the optional peer redis (for caac-agent/redis).
 * npm's cache answers for the dependencies when warm. Built in a scratch folder renamed into
 * place, so no reader sees half a project.
 */
async function buildProject(dir: string, ready: string): Promise<void> {
  const scratch = `${dir}.building`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--silent", "--pack-destination", scratch],
    { cwd: repoRoot },
  );
  const tarballName = stdout.trim().split("\n").pop() ?? "";
  if (!tarballName || !existsSync(join(scratch, tarballName)))
    throw new Error(`npm pack printed no tarball name: ${stdout}`);
  for (const name of readdirSync(appSources)) cpSync(join(appSources, name), join(scratch, name));
  writeFileSync(
    join(scratch, "package.json"),
    JSON.stringify({
      name: "chat-agent-apis-consumer",
      private: true,
      type: "module",
      // redis: the optional peer that chat-agent-apis/caac-agent/redis needs, at the tested version.
      dependencies: { "chat-agent-apis": `file:./${tarballName}`, "@types/node": "20.19.43", redis: "6.3.1" },
    }),
  );
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: scratch,
  });
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  // Written last: its presence means the project is complete.
  writeFileSync(ready, join(dir, tarballName));
}
