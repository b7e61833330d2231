import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { apiOf, formatReport, type ReportedModule, tally } from "./test-reporter.js";

const noOperations = () => 0;

describe("the test reporter", () => {
  it("attributes a test to the API of its folder, else of its first title, else to other", () => {
    expect(apiOf("contract-tests/caac/contract.test.ts", "anything")).toBe("caac");
    expect(apiOf("src/caac-agent/handler.test.ts", "createAgentHandler")).toBe("caac-agent");
    expect(apiOf("specs/specs.test.ts", "spec caac-agent")).toBe("caac-agent");
    expect(apiOf("contract-tests/coverage.test.ts", "caac coverage")).toBe("caac");
    expect(apiOf("src/core/retry.test.ts", "retry")).toBe("other");
  });

  it("ends with `tests: N passed, M failed`, the skips on their own line before it", () => {
    const modules: ReportedModule[] = [
      {
        moduleId: "contract-tests/cavuer/contract.test.ts",
        tests: [
          { topTitle: "cavuer mock", state: "passed" },
          { topTitle: "cavuer live drift", state: "skipped" },
        ],
      },
      { moduleId: "src/core/retry.test.ts", tests: [{ topTitle: "retry", state: "failed" }] },
    ];
    const lines = formatReport(tally(modules), noOperations);
    expect(lines.slice(-2)).toEqual(["skipped: 1 (reasons above)", "tests: 1 passed, 1 failed"]);
    expect(lines).toContainEqual(expect.stringMatching(/^cavuer\s+0\s+2\s+1\s+0\s+1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^other\s+-\s+1\s+0\s+1\s+0$/));
  });

  it("prints no skipped line when nothing was skipped", () => {
    const lines = formatReport(
      tally([{ moduleId: "a.test.ts", tests: [{ topTitle: "a", state: "passed" }] }]),
    );
    expect(lines.at(-1)).toBe("tests: 1 passed, 0 failed");
    expect(lines.some((line) => line.startsWith("skipped:"))).toBe(false);
  });

  it("counts a file that failed outside its tests, an unfinished test and an unhandled error as failures", () => {
    const result = tally(
      [
        { moduleId: "contract-tests/caac/broken.test.ts", failure: "SyntaxError: nope", tests: [] },
        { moduleId: "src/core/sse.test.ts", tests: [{ topTitle: "parseSSE", state: "pending" }] },
      ],
      ["Error: late rejection"],
    );
    const lines = formatReport(result, noOperations);
    expect(lines.at(-1)).toBe("tests: 0 passed, 3 failed");
    expect(lines).toContain("contract-tests/caac/broken.test.ts failed outside its tests: SyntaxError: nope");
    expect(lines).toContain("src/core/sse.test.ts: 1 test(s) did not finish (counted as failed)");
    expect(lines).toContain("unhandled error: Error: late rejection");
    expect(result.rows.get("caac")).toEqual({ cases: 1, passed: 0, failed: 1, skipped: 0 });
  });

  it("counts the operations of each API's spec in the table", () => {
    const lines = formatReport(tally([]), (api) => (api === "caac" ? 24 : 1));
    expect(lines).toContainEqual(expect.stringMatching(/^caac\s+24\s+0\s+0\s+0\s+0$/));
    expect(lines.some((line) => line.startsWith("other"))).toBe(false);
  });

  it("reports a real vitest run: the closing lines last, a failed hook counted as a failure", async () => {
    const output = await new Promise<string>((resolve) => {
      execFile(
        "npx",
        [
          "--no-install",
          "vitest",
          "run",
          "--config",
          "scripts/test-reporter-fixtures/vitest.config.ts",
        ].concat(["--reporter=./scripts/test-reporter.ts"]),
        { cwd: new URL("..", import.meta.url), env: { ...process.env, FORCE_COLOR: "0", CI: "" } },
        (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
      );
    });
    const lines = output.trimEnd().split("\n");
    expect(lines.slice(-2), output).toEqual(["skipped: 2 (reasons above)", "tests: 1 passed, 2 failed"]);
    expect(output).toContain("failing-hook.fixture.ts failed outside its tests: the mock did not start");
    expect(output).toMatch(/^cavuer\s+1\s+3\s+1\s+1\s+1$/m);
  }, 120_000);
});
