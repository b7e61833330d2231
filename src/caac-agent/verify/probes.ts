// The requests verify-agent sends, each in the check group that judges its answer: the seed
// example, generated valid requests, the auth probes and the spec-violating ones.
import { requestExamples, validateRequest } from "../spec.js";
import type { CheckId } from "./checks.js";
import type { Probe } from "./exchange.js";
import { mutations, type Random, type Schema, sample } from "./sample.js";

/** The probes of a run, in sending order; `random` draws the generated requests. */
export function planProbes(
  schema: Schema,
  seedBody: Record<string, unknown>,
  random: Random,
  generated: number | undefined,
): Probe[] {
  const probes: Probe[] = [];
  const add = (group: CheckId, probe: Omit<Probe, "auth" | "group"> & { auth?: Probe["auth"] }) => {
    probes.push({ group, auth: "valid", ...probe });
  };
  add("seed_accepted", { label: "seed example", body: JSON.stringify(seedBody) });
  for (let i = 0; i < (generated ?? 10); i++) {
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
    // Only requests the spec really forbids count as negative data, and only for their
    // structure: an implementation that answers a format-only deviation (a tolerant reader, like
    // createAgentHandler) is right to.
    if (!mutation.formatOnly && !validateRequest(mutation.body)) {
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
  return probes;
}
