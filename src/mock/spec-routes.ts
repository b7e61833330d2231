// What the layer in front of Prism needs to know of a spec: which operation a request addresses,
// and the named examples of its responses with the `x-mock-*` extensions that say when a mock
// serves them. Read from generated/<api>.bundle.json (dereferenced; package.json `files` ships it), so
// nothing here restates a spec.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

/**
 * When an example is the answer: every listed query parameter has the listed value. A list means
 * any one of its entries (e.g. a cursor accepted as `after` or as `cursor`).
 */
export type ExampleMatch = Record<string, string> | ReadonlyArray<Record<string, string>>;

/** A named example of one response media type, as the mock layer uses it. */
export interface MockExample {
  name: string;
  value: unknown;
  /** `x-mock-match`: the query that selects this example instead of the default. */
  match?: ExampleMatch | undefined;
  /** `x-mock-stream: stall`: after its events, the stream stays open without another byte. */
  stall: boolean;
}

/** One operation of a spec, with a matcher for its path template. */
export interface MockRoute {
  operationId: string;
  method: string;
  path: string;
  /** Path parameters of `pathname` when it is this operation's path, else undefined. */
  matchPath(pathname: string): Record<string, string> | undefined;
  /** Examples by status and media type, in the spec's order (Prism serves the first by default). */
  examples(status: string, mediaType: string): readonly MockExample[];
}

type RawMedia = { examples?: Record<string, { value?: unknown } & Record<string, unknown>> };
type RawOperation = {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, RawMedia> }>;
};

const cache = new Map<string, readonly MockRoute[]>();

/** The operations of `specs/<api>/openapi.yaml`, from its generated bundle. */
export function routesOf(api: string): readonly MockRoute[] {
  const cached = cache.get(api);
  if (cached) return cached;
  const file = join(packageRoot(), "generated", `${api}.bundle.json`);
  const bundle = JSON.parse(readFileSync(file, "utf8")) as {
    paths?: Record<string, Record<string, unknown>>;
  };
  const routes: MockRoute[] = [];
  for (const [path, item] of Object.entries(bundle.paths ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as RawOperation;
      if (typeof op !== "object" || op === null || !op.responses || !op.operationId) continue;
      routes.push(routeFor(method.toUpperCase(), path, op));
    }
  }
  cache.set(api, routes);
  return routes;
}

/** The operation `method pathname` addresses, with its path parameters. */
export function findRoute(
  routes: readonly MockRoute[],
  method: string,
  pathname: string,
): { route: MockRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = route.matchPath(pathname);
    if (params) return { route, params };
  }
  return undefined;
}

function routeFor(method: string, path: string, op: RawOperation): MockRoute {
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      return "([^/]+)";
    })
    .join("");
  const pattern = new RegExp(`^${source}/?$`);
  return {
    operationId: op.operationId ?? "",
    method,
    path,
    matchPath(pathname) {
      const found = pattern.exec(pathname);
      if (!found) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? "")]));
    },
    examples(status, mediaType) {
      const media = op.responses?.[status]?.content?.[mediaType];
      return Object.entries(media?.examples ?? {}).map(([name, example]) => ({
        name,
        value: example.value,
        match: example["x-mock-match"] as ExampleMatch | undefined,
        stall: example["x-mock-stream"] === "stall",
      }));
    },
  };
}
