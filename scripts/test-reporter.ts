// The vitest reporter of `npm test` and `npm run contract`: a table per API (operations in its
// spec, test cases, passed, failed, skipped), then the closing lines CI reads:
//
//   skipped: K (reasons above)        only when K > 0; each skip prints its reason when collected
//   tests: N passed, M failed         always the last line
//
// With `--outputFile.junit=<file>` it also writes JUnit XML there (vitest's own JUnit reporter,
// run from here so that its "written to" line comes before the closing line, not after it).
//
// A test file that failed outside its tests (it did not load, or a hook threw), a test that never
// finished and an unhandled error each count as one failed test, so none can hide behind a green
// count. A test belongs to the API named by its folder (contract-tests/<api>/, src/<api>/) or by its
// first title ("spec <api>", "<api> …"); the others are "other".
import { existsSync, readFileSync } from "node:fs";
import { JUnitReporter, type Reporter, type TestCase, type TestModule, type Vitest } from "vitest/node";
import { APIS } from "../generated/apis.js";

type Row = { cases: number; passed: number; failed: number; skipped: number };

/** What the tally needs of one test file (vitest's TestModule, reduced so it can be tested). */
export interface ReportedModule {
  moduleId: string;
  /** Set when the file failed outside its tests: it did not load, or a hook threw. */
  failure?: string | undefined;
  tests: Array<{ topTitle: string; state: "passed" | "failed" | "skipped" | "pending" }>;
}

export interface Tally {
  rows: Map<string, Row>;
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure that is not a failed test (a file, an unhandled error). */
  notes: string[];
}

/** The API a test belongs to, or "other". */
export function apiOf(moduleId: string, topTitle: string): string {
  const folder = /(?:^|\/)(?:contract-tests|src)\/([^/]+)\//.exec(moduleId)?.[1];
  if (folder && (APIS as readonly string[]).includes(folder)) return folder;
  const title = topTitle.replace(/^spec /, "");
  const matches = APIS.filter((api) => title === api || title.startsWith(`${api} `));
  return matches.sort((a, b) => b.length - a.length)[0] ?? "other";
}

export function tally(modules: readonly ReportedModule[], unhandledErrors: readonly string[] = []): Tally {
  const rows = new Map<string, Row>(
    [...APIS, "other"].map((api) => [api, { cases: 0, passed: 0, failed: 0, skipped: 0 }]),
  );
  const result: Tally = { rows, passed: 0, failed: 0, skipped: 0, notes: [] };
  const count = (api: string, state: "passed" | "failed" | "skipped") => {
    const row = rows.get(api) ?? { cases: 0, passed: 0, failed: 0, skipped: 0 };
    rows.set(api, row);
    row.cases += 1;
    row[state] += 1;
    result[state] += 1;
  };
  for (const module of modules) {
    for (const test of module.tests) count(apiOf(module.moduleId, test.topTitle), finished(test.state));
    const pending = module.tests.filter((test) => test.state === "pending").length;
    if (pending > 0)
      result.notes.push(`${module.moduleId}: ${pending} test(s) did not finish (counted as failed)`);
    if (module.failure !== undefined) {
      count(apiOf(module.moduleId, ""), "failed");
      result.notes.push(`${module.moduleId} failed outside its tests: ${module.failure}`);
    }
  }
  for (const error of unhandledErrors) {
    count("other", "failed");
    result.notes.push(`unhandled error: ${error}`);
  }
  return result;
}

/** A test that never finished (the run was cut short) counts as failed. */
function finished(state: ReportedModule["tests"][number]["state"]): "passed" | "failed" | "skipped" {
  return state === "pending" ? "failed" : state;
}

/** The number of operations in generated/<api>.bundle.json (0 when there is no bundle). */
function operationsOf(api: string): number {
  const path = new URL(`../generated/${api}.bundle.json`, import.meta.url);
  if (!existsSync(path)) return 0;
  const bundle = JSON.parse(readFileSync(path, "utf8")) as {
    paths?: Record<string, Record<string, unknown>>;
  };
  return Object.values(bundle.paths ?? {}).flatMap((item) =>
    Object.values(item).filter((op) => typeof op === "object" && op !== null && "operationId" in op),
  ).length;
}

/** The report's lines: the table, the failure notes, then the closing lines. */
export function formatReport(result: Tally, operations: (api: string) => number = operationsOf): string[] {
  const header = ["api", "operations", "cases", "passed", "failed", "skipped"];
  const lines = [...result.rows]
    .filter(([api, row]) => api !== "other" || row.cases > 0)
    .map(([api, row]) => [
      api,
      api === "other" ? "-" : String(operations(api)),
      ...[row.cases, row.passed, row.failed, row.skipped].map(String),
    ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [
    "",
    format(header),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...lines.map(format),
    "",
    ...result.notes,
    ...(result.skipped > 0 ? [`skipped: ${result.skipped} (reasons above)`] : []),
    `tests: ${result.passed} passed, ${result.failed} failed`,
  ];
}

function topTitle(test: TestCase): string {
  let title = test.name;
  for (let parent = test.parent; parent.type === "suite"; parent = parent.parent) title = parent.name;
  return title;
}

function reduce(module: TestModule): ReportedModule {
  const tests = [...module.children.allTests()].map((test) => ({
    topTitle: topTitle(test),
    state: test.result().state,
  }));
  // A hook's error sits on its suite, a load error on the module.
  const errors = [...module.errors(), ...[...module.children.allSuites()].flatMap((suite) => suite.errors())];
  const anyTestFailed = tests.some((test) => test.state === "failed");
  const failedOutsideTests = module.state() === "failed" && !anyTestFailed;
  return {
    moduleId: module.relativeModuleId,
    failure: failedOutsideTests ? (errors[0]?.message ?? "no error message").split("\n")[0] : undefined,
    tests,
  };
}

export default class ApiTableReporter implements Reporter {
  private junit: JUnitReporter | undefined;

  async onInit(vitest: Vitest): Promise<void> {
    const { outputFile } = vitest.config;
    if (typeof outputFile === "object" && outputFile.junit) {
      this.junit = new JUnitReporter({});
      await this.junit.onInit(vitest);
    }
  }

  async onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<{ message?: string }>,
  ): Promise<void> {
    await this.junit?.onTestRunEnd(modules);
    const result = tally(
      modules.map(reduce),
      unhandledErrors.map((error) => (error.message ?? "no message").split("\n")[0] ?? ""),
    );
    console.log(formatReport(result).join("\n"));
  }
}
