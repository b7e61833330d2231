import { readdirSync, readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { leakyCalls } from "./scripts/test-isolation.js";

/** The files of `npm run contract` (scripts/contract runs this project alone). */
const CONTRACT_RUN = ["specs/**/*.test.ts", "contract-tests/**/*.test.ts", "test/static-checks.test.ts"];
const UNIT_ROOTS = ["src", "scripts", "test"];
/**
 * Files that drive other processes or a browser and import little of ours: sharing modules saves
 * them nothing, so they keep a worker of their own.
 */
const SPAWNING = /(\.browser\.test\.ts$|^test\/consumers\/|^test\/bench-smoke\.test\.ts$)/;

/** Every test file outside the contract run. */
const unitFiles = UNIT_ROOTS.flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => `${dir}/${name}`)
    .filter((file) => file.endsWith(".test.ts") && file !== "test/static-checks.test.ts")
    .filter((file) => !file.includes("node_modules")),
);
/** Those that can share a worker (scripts/test-isolation.ts). */
const shareable = unitFiles.filter(
  (file) => !SPAWNING.test(file) && leakyCalls(readFileSync(file, "utf8")).length === 0,
);
/**
 * The rest, as a list of files rather than globs with a project `exclude`: a project's own
 * `exclude` replaces the command line's `--exclude` (vitest 4), which scripts/test-units relies on
 * (scripts/test-projects.test.ts).
 */
const isolated = unitFiles.filter((file) => !shareable.includes(file));

/**
 * Worker threads that keep their modules from file to file: the spec bundles, the Ajv schemas
 * compiled from them and the clients load once per worker rather than once per file, which halves
 * the CPU of loading them (issue 17).
 */
const sharedWorkers = { pool: "threads", isolate: false } as const;

export default defineConfig({
  test: {
    // Servers in tests bind 127.0.0.1 ports; two cores make more workers slower, not faster.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // One Prism host for every test file's mocks and proxies (src/test-support/prism-host-setup.ts).
    globalSetup: ["src/test-support/prism-host-setup.ts"],
    projects: [
      { extends: true, test: { name: "contract", include: CONTRACT_RUN, ...sharedWorkers } },
      { extends: true, test: { name: "shared", include: shareable, ...sharedWorkers } },
      { extends: true, test: { name: "isolated", include: isolated } },
    ],
  },
});
