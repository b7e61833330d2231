// Prints the closing line CI reads, `tests: N passed, M failed[, K skipped]`, from vitest's JSON
// report. A failed type-check, and a test file that failed to load (so ran no test), each count
// as one failed test so that neither can hide behind a green suite.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, tscStatus = "0"] = process.argv.slice(2);
let passed = 0;
let failed = Number(tscStatus) === 0 ? 0 : 1;
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
  console.error(`test: no vitest report at ${reportPath}; counting the run as failed`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
