// Judging a run: each check group's verdict on the answers to its probes (and, for the
// conformance checks, on every answer), including the recogniser of mangled handover markers, so
// that a reply which *tries* to hand over but misspells the marker is reported instead of
// silently reaching the customer as text.
import { HUMAN_HANDOVER } from "../handover.js";
import { responses, responseValidator } from "../spec.js";
import { CHECKS, type CheckId, type CheckResult } from "./checks.js";
import type { Exchange } from "./exchange.js";

// Anything that looks like an attempt at the marker: optional brackets, any case, space, dash or
// underscore between the words.
const NEAR_MARKER = /<?\s*\/?\s*human[\s_-]*hand[\s_-]*over\s*>?/gi;

/** The mangled variants of the marker found in `text` (empty when every marker is exact). */
export function malformedMarkers(text: string): string[] {
  return [...text.matchAll(NEAR_MARKER)]
    .map((match) => match[0].trim())
    .filter((found) => found !== HUMAN_HANDOVER);
}

/** One result per check, in registry order, from the answers to a run's probes. */
export function judge(exchanges: readonly Exchange[], deadlineSeconds: number): CheckResult[] {
  const byGroup = (group: CheckId) => exchanges.filter((exchange) => exchange.group === group);
  const all = exchanges;
  const slowest = (list: readonly Exchange[]) => Math.round(Math.max(0, ...list.map((e) => e.ms)));
  const describe = (e: Exchange) => `${e.label}: ${e.error ?? `got ${e.status}`}`;
  const results: CheckResult[] = [];
  const check = (id: CheckId, considered: readonly Exchange[], failures: string[]) => {
    const result: CheckResult = { id, name: CHECKS[id], ok: failures.length === 0, ms: slowest(considered) };
    if (failures.length > 0) {
      const shown = failures.slice(0, 3).join("; ");
      result.reason = failures.length > 3 ? `${shown}; and ${failures.length - 3} more` : shown;
    }
    results.push(result);
  };
  const expectStatus = (list: readonly Exchange[], ok: (status: number) => boolean, expected: string) =>
    list
      .filter((e) => e.error !== undefined || e.status === undefined || !ok(e.status))
      .map((e) => `${describe(e)}, expected ${expected}`);

  // An answer that broke a limit (too large, too slow, a redirect) is judged by its own group's
  // check only; the conformance checks look at complete answers.
  const answered200 = all.filter((e) => e.status === 200 && e.error === undefined);
  check(
    "seed_accepted",
    byGroup("seed_accepted"),
    expectStatus(byGroup("seed_accepted"), (s) => s === 200, "200"),
  );
  check(
    "generated_accepted",
    byGroup("generated_accepted"),
    expectStatus(byGroup("generated_accepted"), (s) => s === 200, "200"),
  );
  check(
    "content_type_conformance",
    answered200,
    answered200
      .filter((e) => !/^application\/json\s*(;|$)/i.test(e.responseType ?? ""))
      .map(
        (e) =>
          `${e.label}: content type ${JSON.stringify(e.responseType ?? null)}, expected application/json`,
      ),
  );
  check(
    "response_schema_conformance",
    answered200,
    answered200.flatMap((e) => {
      const validate = responseValidator(200, "application/json");
      if (e.json === undefined) return [`${e.label}: body is not JSON: ${snippet(e.text)}`];
      if (validate?.(e.json)) return [];
      const errors = (validate?.errors ?? [])
        .map((x) => `${x.instancePath || "(body)"} ${x.message}`)
        .join(", ");
      return [`${e.label}: ${snippet(e.text)} — ${errors}`];
    }),
  );
  check(
    "status_code_conformance",
    all,
    all
      .filter((e) => e.status !== undefined && !(String(e.status) in responses))
      .map(
        (e) => `${e.label}: ${e.status} is not documented (documented: ${Object.keys(responses).join(", ")})`,
      ),
  );
  for (const id of ["missing_token_rejected", "wrong_token_rejected"] as const) {
    check(
      id,
      byGroup(id),
      expectStatus(byGroup(id), (s) => s === 401, "401"),
    );
  }
  for (const id of [
    "negative_data_rejection",
    "malformed_json_rejected",
    "unsupported_version_rejected",
  ] as const) {
    check(
      id,
      byGroup(id),
      expectStatus(byGroup(id), (s) => s >= 400 && s < 500, "4xx"),
    );
  }
  const health = byGroup("health_check_answered");
  check(
    "health_check_answered",
    health,
    expectStatus(health, (s) => s === 200, "200").concat(
      health
        .filter((e) => e.status === 200 && !responseValidator(200, "application/json")?.(e.json))
        .map((e) => `${e.label}: body ${snippet(e.text)} does not match the response schema`),
    ),
  );
  check(
    "not_a_server_error",
    all,
    all.filter((e) => e.status !== undefined && e.status >= 500).map((e) => `${e.label}: got ${e.status}`),
  );
  check(
    "max_response_time",
    all,
    all
      .filter((e) => e.error?.startsWith("no answer") || e.ms > deadlineSeconds * 1000)
      .map((e) => `${e.label}: ${Math.round(e.ms)} ms, deadline ${deadlineSeconds * 1000} ms`),
  );
  check(
    "handover_marker_well_formed",
    answered200,
    answered200.flatMap((e) => {
      const reply = (e.json as { reply_text?: unknown } | undefined)?.reply_text;
      if (typeof reply !== "string") return [];
      const bad = malformedMarkers(reply);
      return bad.length === 0
        ? []
        : [`${e.label}: found ${bad.map((b) => JSON.stringify(b)).join(", ")}, expected "<HUMAN_HANDOVER>"`];
    }),
  );
  return results;
}

function snippet(text: string | undefined): string {
  if (text === undefined) return "(no body)";
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
