// Shared by the caac-agent tests: requests shaped like CAAC's, and the spec's examples.
import { requestExamples } from "../caac-agent/spec.js";

export const TOKEN = "test-token-9f8e7d6c5b4a";
export const seedBody = requestExamples.seed.value;
export const healthBody = requestExamples.health_check.value;

/** A POST like CAAC's, with overridable body, headers and token. */
export function caacRequest(
  body: unknown = seedBody,
  init: { token?: string | null; headers?: Record<string, string>; method?: string; raw?: string } = {},
): Request {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const method = init.method ?? "POST";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request("http://agent.test/caac/ai-agent", {
    method,
    headers,
    ...(hasBody ? { body: init.raw ?? JSON.stringify(body) } : {}),
  });
}
