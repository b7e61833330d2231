// A verify-agent report, and its renderings for people (a table) or machines (JSON).
import type { CheckResult } from "./checks.js";

/** The report of a run. */
export type VerifyReport = {
  url: string;
  seed: number;
  deadlineSeconds: number;
  requests: number;
  ok: boolean;
  checks: CheckResult[];
};

/** One line per check: ✓/✗, id, meaning, slowest answer, and the reason for a failure. */
export function formatReport(report: VerifyReport): string {
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const nameWidth = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.map((check) => {
    const ms = `${check.ms} ms`.padStart(9);
    const line = `${check.ok ? "✓" : "✗"} ${check.id.padEnd(idWidth)}  ${check.name.padEnd(nameWidth)} ${ms}`;
    return check.reason ? `${line}\n    ${check.reason}` : line;
  });
  const passed = report.checks.filter((check) => check.ok).length;
  lines.push(
    "",
    `${passed}/${report.checks.length} checks passed against ${report.url} ` +
      `(${report.requests} requests, seed ${report.seed}, deadline ${report.deadlineSeconds} s)`,
  );
  return lines.join("\n");
}

/** The report as indented JSON. */
export function formatReportJson(report: VerifyReport): string {
  return JSON.stringify(report, null, 2);
}
