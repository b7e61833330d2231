export { CHECKS, type CheckId, type CheckResult } from "./checks.js";
export { malformedMarkers } from "./judge.js";
export { formatReport, formatReportJson, formatReportJUnit, type VerifyReport } from "./report.js";
export { DEFAULT_MAX_RESPONSE_BYTES, type VerifyOptions, verifyAgent } from "./verify-agent.js";
