// vitest.config.ts splits the test files into projects (contract, shared, isolated). A file
// filter or `--exclude` on the command line must select the same files as before that split:
// scripts/test-units (the Node matrix of .ci/run) leaves out the browser, CLI-process and Prism
// mock files with `--exclude`, and a developer runs one folder with `npx vitest run src/core`.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The files `npx vitest list --filesOnly <args>` selects, without their project prefix, sorted. */
function listed(args: string[]): string[] {
  const out = execFileSync("node_modules/.bin/vitest", ["list", "--filesOnly", ...args], {
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  return out
    .split("\n")
    .map((line) => line.trim().replace(/^\[[\w-]+\] /, ""))
    .filter((line) => line !== "")
    .sort();
}

describe("the vitest projects keep command-line file selection", () => {
  it("a command-line --exclude leaves the file out of every project", () => {
    expect(
      listed([
        "src/mock",
        "src/caac-agent/cli.test.ts",
        "src/cavuer",
        "--exclude",
        "src/mock/**",
        "--exclude",
        "**/*.browser.test.ts",
        "--exclude",
        "src/caac-agent/cli.test.ts",
      ]).filter(
        (file) =>
          file.startsWith("src/mock/") ||
          file.endsWith(".browser.test.ts") ||
          file === "src/caac-agent/cli.test.ts",
      ),
    ).toEqual([]);
  }, 60_000);

  it("a folder filter selects exactly that folder's test files", () => {
    const core = readdirSync("src/core", { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".test.ts"))
      .map((name) => `src/core/${name}`)
      .sort();
    expect(listed(["src/core"])).toEqual(core);
  }, 60_000);
});
