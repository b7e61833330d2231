// verify-agent: checks any implementation of the CAAC Self Hosted AI Agent endpoint against the
// spec, in the manner of Schemathesis' checks. Bounded: under 60 requests, each with a timeout
// equal to the deadline, at most 4 in flight; deterministic for a given seed.
import {
  CAAC_TIMEOUT_SECONDS,
  requestExamples,
  requestSchema,
  responses,
  responseValidator,
  validateRequest,
} from "../spec.js";
import { malformedMarkers } from "./marker.js";
import { createRandom } from "./prng.js";
import { mutations, type Schema, sample } from "./sample.js";

/** Options of {@link verifyAgent}. */
export type VerifyOptions = {
  /** The endpoint's full URL, as configured in CAAC. */
  url: string;
  /** The bearer token configured in CAAC. Never printed. */
  token: string;
  /** Seed for generated requests; the same seed sends the same requests. Default: 1. */
  seed?: number;
  /** Longest acceptable answer time, and each request's timeout. Default: the spec's 45 s. */
  deadlineSeconds?: number;
  /** How many generated valid requests to send. Default: 10. */
  generated?: number;
  /** The fetch to use (tests, proxies). Default: global fetch. */
  fetch?: typeof fetch;
};

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

/** The report of a run. */
export type VerifyReport = {
  url: string;
  seed: number;
  deadlineSeconds: number;
  requests: number;
  ok: boolean;
  checks: CheckResult[];
};

type Probe = {
  label: string;
  body: string;
  contentType?: string;
  auth: "valid" | "missing" | "wrong";
};

type Exchange = Probe & {
  status?: number;
  responseType?: string;
  text?: string;
  json?: unknown;
  error?: string;
  ms: number;
};

/** The checks verify-agent runs, by id, with what each means. */
export const CHECKS = {
  seed_accepted: "the spec's seed example is answered 200",
  generated_accepted: "generated valid requests are answered 200",
  content_type_conformance: "every 200 answer is application/json",
  response_schema_conformance: "every 200 body matches the response schema (reply_text string, nothing else)",
  status_code_conformance: "every status code is documented in the spec",
  missing_token_rejected: "a request without a token is answered 401",
  wrong_token_rejected: "a request with a wrong token is answered 401",
  negative_data_rejection: "requests that violate the schema (confirmed by Ajv) are answered 4xx",
  malformed_json_rejected: "a body that is not JSON is answered 4xx",
  unsupported_version_rejected: 'version "2.0" is answered 4xx',
  health_check_answered: "a health check (conversation_id 0) is answered 200 with a valid body",
  not_a_server_error: "no request is answered 5xx",
  max_response_time: "every request is answered within the deadline",
  handover_marker_well_formed: "a handover marker in reply_text is exactly <HUMAN_HANDOVER>",
} as const;

/** A check id. */
export type CheckId = keyof typeof CHECKS;

/** Runs every check against `options.url` and reports; never throws for a misbehaving server. */
export async function verifyAgent(options: VerifyOptions): Promise<VerifyReport> {
  const seed = options.seed ?? 1;
  const deadlineSeconds = options.deadlineSeconds ?? CAAC_TIMEOUT_SECONDS;
  const doFetch = options.fetch ?? fetch;
  const random = createRandom(seed);
  const schema = requestSchema as Schema;
  const seedBody = requestExamples.seed.value as unknown as Record<string, unknown>;
  const redact = (text: string) => (options.token === "" ? text : text.split(options.token).join("[token]"));
  let wrongToken = `wrong-${random.hex(24)}`;
  if (wrongToken === options.token) wrongToken += "x";

  const probes: { group: CheckId; probe: Probe }[] = [];
  const add = (group: CheckId, probe: Omit<Probe, "auth"> & { auth?: Probe["auth"] }) => {
    probes.push({ group, probe: { auth: "valid", ...probe } });
  };
  add("seed_accepted", { label: "seed example", body: JSON.stringify(seedBody) });
  for (let i = 0; i < (options.generated ?? 10); i++) {
    const body = sample(schema, random);
    if (validateRequest(body))
      add("generated_accepted", { label: `generated #${i + 1}`, body: JSON.stringify(body) });
  }
  add("missing_token_rejected", {
    label: "no Authorization header",
    body: JSON.stringify(seedBody),
    auth: "missing",
  });
  add("wrong_token_rejected", { label: "wrong bearer token", body: JSON.stringify(seedBody), auth: "wrong" });
  for (const mutation of mutations(schema, seedBody)) {
    // Only requests the spec really forbids count as negative data.
    if (!validateRequest(mutation.body)) {
      add("negative_data_rejection", { label: mutation.description, body: JSON.stringify(mutation.body) });
    }
  }
  add("malformed_json_rejected", { label: "truncated JSON", body: '{"conversation_id": 1, "messages": [' });
  add("unsupported_version_rejected", {
    label: 'version "2.0"',
    body: JSON.stringify({ ...seedBody, version: "2.0" }),
  });
  add("health_check_answered", {
    label: "health check",
    body: JSON.stringify(requestExamples.health_check.value),
  });

  const exchanges = await pool(probes, 4, ({ probe }) =>
    send(doFetch, options.url, probe, options.token, wrongToken, deadlineSeconds),
  );
  const byGroup = (group: string) => exchanges.filter((_, i) => probes[i]?.group === group);
  const all = exchanges;
  const slowest = (list: Exchange[]) => Math.round(Math.max(0, ...list.map((e) => e.ms)));
  const describe = (e: Exchange) => `${e.label}: ${e.error ?? `got ${e.status}`}`;
  const results: CheckResult[] = [];
  const check = (id: CheckId, considered: Exchange[], failures: string[]) => {
    const result: CheckResult = { id, name: CHECKS[id], ok: failures.length === 0, ms: slowest(considered) };
    if (failures.length > 0) {
      const shown = failures.slice(0, 3).join("; ");
      result.reason = redact(failures.length > 3 ? `${shown}; and ${failures.length - 3} more` : shown);
    }
    results.push(result);
  };
  const expectStatus = (list: Exchange[], ok: (status: number) => boolean, expected: string) =>
    list
      .filter((e) => e.status === undefined || !ok(e.status))
      .map((e) => `${describe(e)}, expected ${expected}`);

  const answered200 = all.filter((e) => e.status === 200);
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
  return {
    url: options.url,
    seed,
    deadlineSeconds,
    requests: exchanges.length,
    ok: results.every((r) => r.ok),
    checks: results,
  };
}

async function send(
  doFetch: typeof fetch,
  url: string,
  probe: Probe,
  token: string,
  wrongToken: string,
  deadlineSeconds: number,
): Promise<Exchange> {
  const headers: Record<string, string> = { "content-type": probe.contentType ?? "application/json" };
  if (probe.auth !== "missing")
    headers.authorization = `Bearer ${probe.auth === "valid" ? token : wrongToken}`;
  const started = performance.now();
  const signal = AbortSignal.timeout(deadlineSeconds * 1000);
  try {
    const response = await doFetch(url, { method: "POST", headers, body: probe.body, signal });
    const text = await response.text();
    const exchange: Exchange = { ...probe, status: response.status, text, ms: performance.now() - started };
    const type = response.headers.get("content-type");
    if (type !== null) exchange.responseType = type;
    try {
      exchange.json = JSON.parse(text);
    } catch {
      // Not JSON: the checks that need JSON say so.
    }
    return exchange;
  } catch (error) {
    const ms = performance.now() - started;
    const timedOut = signal.aborted;
    const message = timedOut
      ? `no answer within ${deadlineSeconds} s`
      : `request failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    return { ...probe, error: message, ms };
  }
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

function snippet(text: string | undefined): string {
  if (text === undefined) return "(no body)";
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
