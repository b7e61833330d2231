// The tree-wide checks, run as tests so that `npm test` and `npm run contract` each run every check
// exactly once, count it in the closing `tests:` line and record it in the JUnit XML: lint
// (scripts/lint: the specs, Biome with warnings as errors, tsc over every TypeScript file, import
// cycles) and the freshness of generated/ (scripts/check-generated).
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url);

/** Runs `bash script`, resolving with its exit code and its stdout and stderr interleaved. */
function run(script: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile("bash", ["-c", `bash ${script} 2>&1`], {
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

describe("the tree-wide checks", () => {
  it(
    "lint passes: specs (Redocly), format and lint (Biome, warnings fail), types (tsc), no import cycles",
    async () => {
      const { code, output } = await run("scripts/lint");
      expect(code, `scripts/lint failed:\n${output}`).toBe(0);
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    "generated/ matches a fresh `npm run generate` of specs/ and redocly.yaml",
    async () => {
      const { code, output } = await run("scripts/check-generated");
      expect(code, `scripts/check-generated failed:\n${output}`).toBe(0);
    },
    CHECK_TIMEOUT_MS,
  );
});
