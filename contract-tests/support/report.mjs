// Prints the contract suite's per-API table from vitest's JSON report: operations in the spec,
// test cases, passed, failed, skipped. A test belongs to the API named by its folder
// (contract-tests/<api>/) or its first title ("spec <api>", "<api> coverage"); others are "other".
import { existsSync, readFileSync } from "node:fs";

const APIS = ["cavuer", "fifthelement", "caac", "caac-agent", "chataibot", "chataibot-webhook"];
const [reportPath = ".tmp/contract.json"] = process.argv.slice(2);
if (!existsSync(reportPath)) {
  console.error(`contract: no vitest report at ${reportPath}`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));

function operations(api) {
  const path = new URL(`../../generated/${api}.bundle.json`, import.meta.url);
  if (!existsSync(path)) return 0;
  const bundle = JSON.parse(readFileSync(path, "utf8"));
  return Object.values(bundle.paths ?? {}).flatMap((item) =>
    Object.values(item).filter((op) => op?.operationId),
  ).length;
}

function apiOf(file, test) {
  const folder = /contract-tests\/([^/]+)\//.exec(file)?.[1];
  if (folder && APIS.includes(folder)) return folder;
  const title = (test.ancestorTitles?.[0] ?? test.fullName ?? "").replace(/^spec /, "");
  return (
    APIS.filter((api) => title === api || title.startsWith(`${api} `)).sort(
      (a, b) => b.length - a.length,
    )[0] ?? "other"
  );
}

const rows = new Map([...APIS, "other"].map((api) => [api, { cases: 0, passed: 0, failed: 0, skipped: 0 }]));
for (const file of report.testResults ?? []) {
  const tests = file.assertionResults ?? [];
  if (file.status === "failed" && tests.length === 0) {
    const row = rows.get(apiOf(file.name, {}));
    row.cases += 1;
    row.failed += 1;
    console.error(`contract: ${file.name} failed to load: ${(file.message ?? "").split("\n")[0]}`);
  }
  for (const test of tests) {
    const row = rows.get(apiOf(file.name, test));
    row.cases += 1;
    if (test.status === "passed") row.passed += 1;
    else if (test.status === "failed") row.failed += 1;
    else row.skipped += 1;
  }
}

const header = ["api", "operations", "cases", "passed", "failed", "skipped"];
const lines = [...rows]
  .filter(([api, row]) => api !== "other" || row.cases > 0)
  .map(([api, row]) => [
    api,
    api === "other" ? "-" : String(operations(api)),
    ...[row.cases, row.passed, row.failed, row.skipped].map(String),
  ]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const format = (cells) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log("");
console.log(format(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const line of lines) console.log(format(line));
console.log("");
