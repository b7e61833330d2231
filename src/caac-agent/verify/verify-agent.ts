// verify-agent: checks any implementation of the CAAC Self Hosted AI Agent endpoint against the
// spec, in the manner of Schemathesis' checks. Bounded: under 60 requests, each with a timeout
// equal to the deadline, at most 4 in flight; deterministic for a given seed.
import { CAAC_TIMEOUT_SECONDS, requestExamples, requestSchema } from "../spec.js";
import { pool, send } from "./exchange.js";
import { judge } from "./judge.js";
import { planProbes } from "./probes.js";
import type { VerifyReport } from "./report.js";
import { createRandom, type Schema } from "./sample.js";

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

  const probes = planProbes(schema, seedBody, random, options.generated);

  const exchanges = await pool(probes, 4, (probe) =>
    send(doFetch, options.url, probe, options.token, wrongToken, deadlineSeconds),
  );
  const results = judge(exchanges, deadlineSeconds, redact);
  return {
    url: options.url,
    seed,
    deadlineSeconds,
    requests: exchanges.length,
    ok: results.every((r) => r.ok),
    checks: results,
  };
}
