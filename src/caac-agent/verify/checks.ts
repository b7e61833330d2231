// The checks verify-agent runs: their ids, what each means, and the shape of one outcome. This is
// the one statement of the check list: --help prints it and docs/caac-agent.md embeds it
// (checkListMarkdown; scripts/verify-agent-checks.ts rewrites the docs, a test keeps them equal).

/** The checks verify-agent runs, by id, with what each means. */
export const CHECKS = {
  seed_accepted: "the spec's seed example is answered 200",
  generated_accepted: "valid requests generated from the schema (10 by default) are answered 200",
  content_type_conformance: "every 200 answer is application/json",
  response_schema_conformance: "every 200 body matches the response schema (reply_text string, nothing else)",
  status_code_conformance: "every status code is documented in the spec",
  missing_token_rejected: "a request without a token is answered 401",
  wrong_token_rejected: "a request with a wrong token is answered 401",
  negative_data_rejection:
    "requests that break the schema's structure (a required field removed, a type changed, a constraint negated; each confirmed by Ajv) are answered 4xx; format-only deviations may be answered",
  malformed_json_rejected: "a body that is not JSON is answered 4xx",
  unsupported_version_rejected: 'version "2.0" is answered 4xx',
  health_check_answered: "a health check (conversation_id 0) is answered 200 with a valid body",
  not_a_server_error: "no request is answered 5xx",
  max_response_time: "every request is answered within the deadline",
  handover_marker_well_formed:
    "a handover marker in reply_text is exactly <HUMAN_HANDOVER> (not <HUMAN HANDOVER>, <human_handover>, unbalanced …)",
} as const;

/** A check id. */
export type CheckId = keyof typeof CHECKS;

/** The outcome of one check. */
export type CheckResult = {
  /** Stable identifier, e.g. `missing_token_rejected`. */
  id: string;
  /** What the check means. */
  name: string;
  ok: boolean;
  /** Why it failed. */
  reason?: string;
  /** The slowest answer among the requests the check looked at, in milliseconds. */
  ms: number;
};

/** Where docs embed the check list: the lines between these two markers are {@link checkListMarkdown}. */
export const CHECK_LIST_MARKERS = {
  start:
    "<!-- verify-agent checks: generated from src/caac-agent/verify/checks.ts by `npx tsx scripts/verify-agent-checks.ts`; do not edit -->",
  end: "<!-- end of verify-agent checks -->",
} as const;

/** The check list as Markdown, one bullet per check, in registry (and report) order. */
export function checkListMarkdown(): string {
  return Object.entries(CHECKS)
    .map(([id, meaning]) => `- \`${id}\`: ${meaning.replace(/<[^<>]*>/g, (tag) => `\`${tag}\``)}`)
    .join("\n");
}

/** `document` with the text between the markers replaced by the current check list. */
export function withCheckList(document: string): string {
  const start = document.indexOf(CHECK_LIST_MARKERS.start);
  const end = document.indexOf(CHECK_LIST_MARKERS.end);
  if (start === -1 || end < start) throw new Error("the document has no verify-agent check-list markers");
  return `${document.slice(0, start + CHECK_LIST_MARKERS.start.length)}\n${checkListMarkdown()}\n${document.slice(end)}`;
}
