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

/**
 * One line per check: ✓/✗, id, slowest answer, meaning, and the reason for a failure under it.
 * The meaning comes last, unpadded, so a long one does not widen every line.
 */
export function formatReport(report: VerifyReport): string {
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const lines = report.checks.map((check) => {
    const ms = `${check.ms} ms`.padStart(9);
    const line = `${check.ok ? "✓" : "✗"} ${check.id.padEnd(idWidth)} ${ms}  ${check.name}`;
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

function xml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .split("")
    .filter((char) => {
      // XML 1.0 cannot carry control characters other than tab, LF and CR, even escaped.
      const code = char.charCodeAt(0);
      return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
    })
    .join("");
}

/**
 * The report as JUnit XML, the format CI systems ingest: one test suite for the run, one test case
 * per check (its id as the name, its slowest answer as the time), a failed check as `<failure>`.
 */
export function formatReportJUnit(report: VerifyReport): string {
  const failures = report.checks.filter((check) => !check.ok).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = report.checks.map((check) => {
    const open = `    <testcase classname="verify-agent" name="${xml(check.id)}" time="${seconds(check.ms)}"`;
    if (check.ok) return `${open}/>`;
    const reason = check.reason ?? "failed";
    return `${open}>\n      <failure message="${xml(reason)}">${xml(`${check.name}\n${reason}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="verify-agent" tests="${report.checks.length}" failures="${failures}">`,
    `  <testsuite name="verify-agent ${xml(report.url)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0">`,
    `    <properties>\n      <property name="seed" value="${report.seed}"/>\n      <property name="deadlineSeconds" value="${report.deadlineSeconds}"/>\n      <property name="requests" value="${report.requests}"/>\n    </properties>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
