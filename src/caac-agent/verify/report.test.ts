import { describe, expect, it } from "vitest";
import { formatReport, formatReportJson, formatReportJUnit, type VerifyReport } from "./report.js";

const report: VerifyReport = {
  url: "http://127.0.0.1:8787/",
  seed: 3,
  deadlineSeconds: 45,
  requests: 2,
  ok: false,
  checks: [
    { id: "seed_accepted", name: "the spec's seed example is answered 200", ok: true, ms: 12 },
    {
      id: "not_a_server_error",
      name: "no request is answered 5xx",
      ok: false,
      reason: 'health check: got 500 <b>"&"</b>\u0001',
      ms: 1500,
    },
  ],
};

describe("formatReport", () => {
  it("prints one line per check, the reason under a failure, and a summary", () => {
    const text = formatReport(report);
    expect(text).toMatch(/^✓ seed_accepted +12 ms {2}the spec's seed example is answered 200$/m);
    expect(text).toMatch(/^✗ not_a_server_error/m);
    expect(text).toContain('    health check: got 500 <b>"&"</b>');
    expect(text).toMatch(
      /1\/2 checks passed against http:\/\/127.0.0.1:8787\/ \(2 requests, seed 3, deadline 45 s\)$/,
    );
  });

  it("prints JSON that parses back to the report", () => {
    expect(JSON.parse(formatReportJson(report))).toEqual(report);
  });
});

describe("formatReportJUnit", () => {
  it("writes one test case per check, a failed check as an escaped <failure>", () => {
    const xml = formatReportJUnit(report);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="verify-agent" tests="2" failures="1">/,
    );
    expect(xml).toContain('<testcase classname="verify-agent" name="seed_accepted" time="0.012"/>');
    expect(xml).toContain(
      '<testcase classname="verify-agent" name="not_a_server_error" time="1.500">\n      <failure message="health check: got 500 &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;">',
    );
    expect(xml).toContain('<property name="seed" value="3"/>');
    expect(xml).not.toContain("\u0001");
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });
});
