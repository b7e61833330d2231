export { CHECKS, type CheckId, type CheckResult } from "./checks.js";
export { malformedMarkers } from "./judge.js";
export { formatReport, formatReportJson, type VerifyReport } from "./report.js";
export { type VerifyOptions, verifyAgent } from "./verify-agent.js";
