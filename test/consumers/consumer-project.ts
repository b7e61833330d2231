// A fresh project outside the repository that installs the package from its packed tarball, as a
// user would after `npm pack` (or from a registry): only what `files` ships is there, and
// dependencies resolve from the consumer's own node_modules, never from this repository's.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
  remove(): void;
}

/**
 * Packs the repository (without lifecycle scripts: dist/ is already built, and a `prepack` rebuild
 * would race the other test files reading dist/) and installs the tarball into a new project,
 * with @types/node at the floor's version and the optional peer redis (for caac-agent/redis).
 * npm's cache answers for the dependencies when warm.
 */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), "chat-agent-apis-consumer-"));
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
    cwd: repoRoot,
  });
  const tarballName = stdout.trim().split("\n").pop() ?? "";
  const tarball = join(dir, tarballName);
  if (!tarballName || !existsSync(tarball)) throw new Error(`npm pack printed no tarball name: ${stdout}`);
  for (const name of readdirSync(appSources)) cpSync(join(appSources, name), join(dir, name));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "chat-agent-apis-consumer",
      private: true,
      type: "module",
      // redis: the optional peer that chat-agent-apis/caac-agent/redis needs, at the tested version.
      dependencies: { "chat-agent-apis": `file:./${tarballName}`, "@types/node": "20.19.43", redis: "6.3.1" },
    }),
  );
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: dir,
  });
  return { dir, tarball, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
