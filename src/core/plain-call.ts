/**
 * openapi-fetch's `coreFetch` for the plain call, in a few lines: path parameters and query values
 * that are strings, numbers or booleans, a JSON body or none, header values that are strings or
 * `null`, `parseAs` "json", no middleware, no serializer or `Request` of the caller's own. Such a
 * call builds the same URL, headers and body as openapi-fetch and returns the same
 * `{ data | error, response }`, without its per-call serializer closures, its second header merge
 * for the body serializer, the spread of every option and the `Request` option's checks; the light
 * request goes to the runtime as openapi-fetch would hand it over. Anything else returns
 * `undefined`, and the caller hands the call to openapi-fetch itself (typed-client.ts), so every
 * other case behaves exactly as before; plain-call.test.ts holds the two side by side.
 */
import { LightRequest } from "./light-request.js";
import type { FetchLike } from "./options.js";

/** What a plain call may carry (openapi-fetch's per-call options; any other key makes it not plain). */
interface PlainInit {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown> } | undefined;
  body?: unknown;
  headers?: Record<string, string | null | undefined> | undefined;
  parseAs?: "json" | undefined;
  fetch?: FetchLike | undefined;
}

const PLAIN_INIT_KEYS: ReadonlySet<string> = new Set([
  "params",
  "body",
  "headers",
  "parseAs",
  "fetch",
  "method",
]);
const PLAIN_PARAM_KEYS: ReadonlySet<string> = new Set(["path", "query"]);

/** The client-level settings a plain call needs. */
export interface PlainClient {
  /** The base URL without a trailing slash (as openapi-fetch keeps it). */
  baseUrl: string;
  /** The client's headers (credentials and the caller's `headers` option; `null` removes one). */
  headers: Record<string, string | null | undefined>;
  /** The client's fetch (the runtime). */
  fetch: FetchLike;
  /** Whether `fetch` (a per-call one) is a runtime's, which accepts a light request. */
  isRuntimeFetch(fetch: unknown): boolean;
}

/**
 * Sends `method path` as openapi-fetch would and resolves with its result, or returns `undefined`
 * when the call is not a plain one (nothing has been sent then).
 */
export function plainCall(
  client: PlainClient,
  method: string,
  path: string,
  init: PlainInit | undefined,
): Promise<{ data?: unknown; error?: unknown; response: Response }> | undefined {
  if (init !== undefined) {
    for (const key in init) {
      if (!PLAIN_INIT_KEYS.has(key) && init[key as keyof PlainInit] !== undefined) return undefined;
    }
    if (init.parseAs !== undefined && init.parseAs !== "json") return undefined;
    if (init.fetch !== undefined && !client.isRuntimeFetch(init.fetch)) return undefined;
  }
  const params = init?.params;
  if (params !== undefined) {
    if (params === null || typeof params !== "object") return undefined;
    for (const key in params) {
      if (!PLAIN_PARAM_KEYS.has(key) && params[key as keyof typeof params] !== undefined) return undefined;
    }
  }
  const url = plainUrl(client.baseUrl, path, params?.path, params?.query);
  if (url === undefined) return undefined;

  const body = init?.body;
  if (body !== undefined && (body instanceof FormData || method === "GET" || method === "HEAD"))
    return undefined;
  // openapi-fetch's header merge: JSON's content type first (when there is a body), then the
  // client's headers, then the call's; `null` removes one, `undefined` leaves it.
  const headers = new Headers();
  if (body !== undefined) headers.set("Content-Type", "application/json");
  if (!mergeInto(headers, client.headers) || !mergeInto(headers, init?.headers)) return undefined;
  // openapi-fetch serialises a form-encoded body otherwise; openapi-fetch does that one.
  if (body !== undefined && headers.get("Content-Type") === "application/x-www-form-urlencoded")
    return undefined;

  const requestInit: RequestInit = { redirect: "manual", headers };
  if (method !== "GET") requestInit.method = method;
  if (body !== undefined) requestInit.body = JSON.stringify(body);
  const request = new LightRequest.Constructor(url, requestInit) as unknown as LightRequest | Request;
  // Not light (e.g. a URL a Request must check): openapi-fetch builds that Request itself.
  if (!(request instanceof LightRequest)) return undefined;
  const fetch = init?.fetch ?? client.fetch;
  return fetch(request as unknown as Request).then((response) => parse(response, request.method));
}

/** Merges `values` into `headers` as openapi-fetch does; `false` for what only it handles (arrays, Headers). */
function mergeInto(headers: Headers, values: Record<string, string | null | undefined> | undefined): boolean {
  if (values === undefined || values === null) return true;
  if (typeof values !== "object" || values instanceof Headers) return false;
  for (const name in values) {
    const value = values[name];
    if (value === null) headers.delete(name);
    else if (typeof value === "string") headers.set(name, value);
    else if (value !== undefined) return false;
  }
  return true;
}

/**
 * openapi-fetch's URL: base URL, path with each `{name}` replaced by its encoded value (left as is
 * without one), and the query values as `name=value` pairs; `undefined` for anything beyond that.
 */
function plainUrl(
  baseUrl: string,
  path: string,
  pathParams: Record<string, unknown> | undefined,
  query: Record<string, unknown> | undefined,
): string | undefined {
  let url = `${baseUrl}${path}`;
  if (pathParams !== undefined && pathParams !== null) {
    if (typeof pathParams !== "object" || baseUrl.includes("{")) return undefined;
    let start = path.indexOf("{");
    while (start !== -1) {
      const end = path.indexOf("}", start);
      if (end === -1) break;
      const name = path.slice(start + 1, end);
      // Label (`.`), matrix (`;`) and exploded (`*`) parameters, and nested braces: openapi-fetch.
      if (/[.;*{]/.test(name)) return undefined;
      const value = pathParams[name];
      if (value !== undefined && value !== null) {
        if (!isPrimitive(value)) return undefined;
        url = url.replace(`{${name}}`, encodeURIComponent(value));
      }
      start = path.indexOf("{", end);
    }
  }
  if (query !== undefined && query !== null) {
    if (typeof query !== "object") return undefined;
    let search = "";
    for (const name in query) {
      const value = query[name];
      if (value === undefined || value === null) continue;
      if (!isPrimitive(value)) return undefined;
      search += `${search === "" ? "" : "&"}${name}=${encodeURIComponent(value)}`;
    }
    if (search.startsWith("?")) search = search.substring(1);
    if (search !== "") url += `?${search}`;
  }
  return url;
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** openapi-fetch's reading of the response for `parseAs: "json"`, step by step. */
async function parse(
  response: Response,
  method: string,
): Promise<{ data?: unknown; error?: unknown; response: Response }> {
  const contentLength = response.headers.get("Content-Length");
  if (
    response.status === 204 ||
    method === "HEAD" ||
    (contentLength === "0" && !response.headers.get("Transfer-Encoding")?.includes("chunked"))
  ) {
    return response.ok ? { data: undefined, response } : { error: undefined, response };
  }
  if (response.ok) {
    if (!contentLength) {
      const raw = await response.text();
      return { data: raw ? JSON.parse(raw) : undefined, response };
    }
    return { data: await response.json(), response };
  }
  let error: unknown = await response.text();
  try {
    error = JSON.parse(error as string);
  } catch {}
  return { error, response };
}
