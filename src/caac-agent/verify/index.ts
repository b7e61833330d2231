export { formatReport, formatReportJson } from "./format.js";
export { malformedMarkers } from "./marker.js";
export {
  CHECKS,
  type CheckId,
  type CheckResult,
  type VerifyOptions,
  type VerifyReport,
  verifyAgent,
} from "./verify-agent.js";
