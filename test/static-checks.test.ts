// The tree-wide checks, run as tests so that `npm test` and `npm run contract` each run every check
// exactly once, count it in the closing `tests:` line and record it in the JUnit XML: the steps of
// lint (scripts/lint: the specs, Biome with warnings as errors and no import cycles, tsc over every
// TypeScript file) and the freshness of generated/ (scripts/check-generated). Each is a child
// process, so they run side by side (`concurrent`) and the file holds a worker only as long as the
// slowest of them.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs `bash -c command` in the repository, resolving with its exit code and its interleaved output. */
function run(command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile("bash", ["-c", `${command} 2>&1`], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let output = "";
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

// Generous bounds: each is a few seconds alone, but shares two cores with the rest of the suite.
const CHECK_TIMEOUT_MS = 300_000;

/** Each check: its test name and the script that runs it (its exit code decides). */
const CHECKS = [
  ["lint: every spec passes Redocly's recommended-strict", "scripts/lint redocly"],
  ["lint: Biome finds nothing (format, lint, warnings and import cycles included)", "scripts/lint biome"],
  ["lint: every TypeScript file type-checks (tsc, strict)", "scripts/lint tsc"],
  ["generated/ matches a fresh `npm run generate` of specs/ and redocly.yaml", "scripts/check-generated"],
] as const;

describe.concurrent("the tree-wide checks", () => {
  for (const [name, script] of CHECKS) {
    it(
      name,
      async () => {
        const { code, output } = await run(`bash ${script}`);
        expect(code, `${script} failed:\n${output}`).toBe(0);
      },
      CHECK_TIMEOUT_MS,
    );
  }

  it(
    "the import-cycle rule fires on a cycle of type-only imports",
    async () => {
      // A scratch project with the repository's biome.json (inside the tree, Biome would skip a
      // git-ignored folder; outside it, files beyond the project are not in its module graph).
      const dir = mkdtempSync(join(tmpdir(), "cycle-"));
      try {
        copyFileSync(join(root, "biome.json"), join(dir, "biome.json"));
        writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b.js";\nexport type A = { b?: B };\n');
        writeFileSync(join(dir, "b.ts"), 'import type { A } from "./a.js";\nexport type B = { a?: A };\n');
        const biome = join(root, "node_modules/.bin/biome");
        const { code, output } = await run(
          `cd ${dir} && ${biome} lint --vcs-enabled=false --only=suspicious/noImportCycles .`,
        );
        expect(code, output).not.toBe(0);
        expect(output).toMatch(/noImportCycles/);
        expect(output).toMatch(/a\.ts/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    CHECK_TIMEOUT_MS,
  );
});
