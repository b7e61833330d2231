// verify-agent: checks any implementation of the CAAC Self Hosted AI Agent endpoint against the
// spec, in the manner of Schemathesis' checks. Bounded: under 60 requests, each limited to the
// deadline and to a body cap, at most 4 in flight, no redirect followed; deterministic for a seed.
import { CAAC_TIMEOUT_SECONDS, requestExamples, requestSchema } from "../spec.js";
import { pool, redactTokens, send, type Target } from "./exchange.js";
import { judge } from "./judge.js";
import { planProbes } from "./probes.js";
import type { VerifyReport } from "./report.js";
import { createRandom, type Schema } from "./sample.js";

/** The default cap on each response body: far above any real reply, far below a memory problem. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

// Headers verify-agent owns: the probes vary them on purpose, or fetch computes them.
const RESERVED_HEADERS = new Set([
  "authorization",
  "content-type",
  "content-length",
  "host",
  "transfer-encoding",
]);

/** Options of {@link verifyAgent}. */
export type VerifyOptions = {
  /** The endpoint's full URL, as configured in CAAC. */
  url: string;
  /** The bearer token configured in CAAC. Never printed: redacted wherever it stands alone. */
  token: string;
  /** Seed for generated requests; the same seed sends the same requests. Default: 1. */
  seed?: number;
  /** Longest acceptable answer time, and each request's timeout (body included). Default: the spec's 45 s. */
  deadlineSeconds?: number;
  /** How many generated valid requests to send. Default: 10. */
  generated?: number;
  /** Extra headers for every request (an API gateway's key, say); their values are redacted like the token. */
  headers?: Readonly<Record<string, string>>;
  /** A body larger than this fails its check and is not read further. Default: 1 MiB. */
  maxResponseBytes?: number;
  /** The fetch to use (tests, proxies). Default: global fetch. */
  fetch?: typeof fetch;
};

/** Throws a TypeError naming the header when `headers` holds one verify-agent sets itself or an invalid one. */
export function checkExtraHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new TypeError(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw new TypeError(`header ${name} is set by verify-agent itself (use --token for the bearer token)`);
    if (/[\r\n\0]/.test(value))
      throw new TypeError(`header ${name}: the value must not contain CR, LF or NUL`);
  }
}

/**
 * Throws a TypeError when `url` is not an absolute http(s) URL or carries credentials. The URL is
 * never quoted: `user:password@` is exactly what must not reach a report or a CI log.
 */
export function checkTargetUrl(url: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
    throw new TypeError("url must be an absolute http:// or https:// URL");
  if (parsed.username !== "" || parsed.password !== "")
    throw new TypeError(
      "url must not include credentials (user:password@); send a gateway's credentials with --header instead",
    );
}

/**
 * Runs every check against `options.url` and reports; never throws for a misbehaving server, only
 * for its options (see {@link checkTargetUrl} and {@link checkExtraHeaders}).
 */
export async function verifyAgent(options: VerifyOptions): Promise<VerifyReport> {
  checkTargetUrl(options.url);
  const seed = options.seed ?? 1;
  const deadlineSeconds = options.deadlineSeconds ?? CAAC_TIMEOUT_SECONDS;
  const headers = options.headers ?? {};
  checkExtraHeaders(headers);
  const random = createRandom(seed);
  const schema = requestSchema as Schema;
  const seedBody = requestExamples.seed.value as unknown as Record<string, unknown>;
  let wrongToken = `wrong-${random.hex(24)}`;
  if (wrongToken === options.token) wrongToken += "x";
  const secrets = [options.token, ...Object.values(headers)];
  const target: Target = {
    fetch: options.fetch ?? fetch,
    url: options.url,
    token: options.token,
    wrongToken,
    headers,
    deadlineSeconds,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };

  const probes = planProbes(schema, seedBody, random, options.generated);
  const exchanges = await pool(probes, 4, (probe) => send(probe, target, secrets));
  const results = judge(exchanges, deadlineSeconds);
  return {
    url: redactTokens(options.url, secrets),
    seed,
    deadlineSeconds,
    requests: exchanges.length,
    ok: results.every((r) => r.ok),
    checks: results,
  };
}
