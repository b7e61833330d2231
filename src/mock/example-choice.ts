// Which example a mock serves: Prism serves the first named example of a response unless the
// request's `Prefer` header names another (`Prefer: example=<name>`). The layer in front of Prism
// adds that name when an example's `x-mock-match` fits the request's query, so a list answers the
// page its cursor (or start offset) asks for; an explicit `Prefer` always wins.
import type { ExampleMatch, MockRoute } from "./spec-routes.js";

/** The directives of a `Prefer` header (`code=404, example=seed`), keys lower-cased, in order. */
export function parsePrefer(header: string | undefined): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of (header ?? "").split(",")) {
    const [key, ...rest] = part.split("=");
    const name = key?.trim().toLowerCase();
    if (name) directives.set(name, rest.join("=").trim());
  }
  return directives;
}

/** The `Prefer` header for `directives`; undefined when there are none. */
export function formatPrefer(directives: ReadonlyMap<string, string>): string | undefined {
  if (directives.size === 0) return undefined;
  return [...directives].map(([key, value]) => (value === "" ? key : `${key}=${value}`)).join(", ");
}

/** True when every parameter `match` names has its value in `query` (any entry, for a list). */
export function matchesQuery(match: ExampleMatch, query: URLSearchParams): boolean {
  const entries: ReadonlyArray<Record<string, string>> = Array.isArray(match) ? match : [match];
  return entries.some((entry) => Object.entries(entry).every(([name, value]) => query.get(name) === value));
}

/**
 * The example of `route` that the request's query selects, by `x-mock-match`, for the status the
 * request gets (the first 2xx unless `Prefer: code=` names another); undefined when the request
 * already names an example or none matches (Prism then serves its default, the first example).
 */
export function exampleForQuery(
  route: MockRoute,
  query: URLSearchParams,
  prefer: ReadonlyMap<string, string>,
  mediaType = "application/json",
): string | undefined {
  if (prefer.has("example")) return undefined;
  const code = prefer.get("code");
  const statuses = code ? [code] : ["200", "201", "202"];
  for (const status of statuses) {
    const examples = route.examples(status, mediaType);
    if (examples.length === 0) continue;
    return examples.find((example) => example.match && matchesQuery(example.match, query))?.name;
  }
  return undefined;
}
