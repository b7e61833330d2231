/**
 * One-line construction of a vendor's typed openapi-fetch client on the runtime:
 *
 *   const api = createTypedClient<paths>({ ...options, baseUrl, authHeaders: { apikey: options.apiKey } });
 *   return api.unwrap(await api.GET("/channels", { params, ...api.requestInit(options) }));
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { APIError, type APIErrorOptions, APIRedirectError } from "./errors.js";
import { LightRequest } from "./light-request.js";
import { checkHeaders, type FetchLike, type RequestOptions } from "./options.js";
import { type PlainClient, plainCall } from "./plain-call.js";
import { callSecretsOf, credentialValues } from "./redaction.js";
import { type RedirectTrace, redirectTraceOf } from "./redirects.js";
import {
  createRuntimeFetch,
  isRuntimeFetch,
  type RuntimeFetch,
  type RuntimeOptions,
} from "./runtime-fetch.js";
import { requireBaseUrl } from "./validation.js";

/** Options of {@link createTypedClient}: client options plus what the vendor client fills in. */
export interface TypedClientOptions extends RuntimeOptions {
  /** Root URL of the vendor API (a trailing slash is ignored). */
  baseUrl: string;
  /** Credential headers; their values (and any `Bearer` token) are redacted everywhere automatically. */
  authHeaders?: Record<string, string> | undefined;
}

/** An openapi-fetch client running on the runtime, plus the helpers vendor methods need. */
export type TypedClient<Paths extends {}> = Client<Paths> & {
  /** The retrying fetch under this client. */
  readonly runtime: RuntimeFetch;
  /**
   * Spread into an openapi-fetch call to apply per-call options: `{ body, ...api.requestInit(options) }`.
   * Without any option set it is empty: the call then runs on the client's runtime as it is.
   */
  requestInit(options?: RequestOptions): { fetch?: FetchLike };
  /** `data` of a 2xx result, else throws the matching `APIError` with this client's secrets redacted. */
  unwrap<T>(result: FetchResult<T>): T;
};

/** Creates an openapi-fetch client for `Paths` whose every request goes through the runtime. */
export function createTypedClient<Paths extends {}>(options: TypedClientOptions): TypedClient<Paths> {
  const { baseUrl, authHeaders = {}, headers = {}, ...rest } = options;
  requireBaseUrl("baseUrl", baseUrl);
  checkHeaders("headers", headers);
  // The client's own headers may carry a credential too (`headers: { authorization: … }`).
  const credentialNames = new Set(Object.keys(authHeaders).map((name) => name.toLowerCase()));
  const secrets = [
    ...(options.secrets ?? []),
    ...credentialValues(authHeaders, credentialNames),
    ...credentialValues(headers, credentialNames),
  ];
  const runtime = createRuntimeFetch({ ...rest, secrets, credentialHeaders: Object.keys(authHeaders) });
  // The client's `headers` go over the credentials, so that `null` removes one as it removes any default.
  // `redirect: "manual"`: the runtime follows redirects itself, keeping credentials on their origin.
  // openapi-fetch builds a LightRequest (no WHATWG Request, see light-request.ts) when only the
  // runtime will see it; middleware and a per-call `fetch` of the caller's own get a real Request.
  const clientHeaders = { ...authHeaders, ...headers };
  const client = createClient<Paths>({
    baseUrl,
    fetch: runtime,
    headers: clientHeaders,
    redirect: "manual",
    Request: LightRequest.Constructor,
  });
  let middlewareUsed = false;
  type Init = { fetch?: unknown; middleware?: readonly unknown[]; Request?: unknown } | undefined;
  const real = (init: Init): Init =>
    middlewareUsed ||
    (init?.middleware !== undefined && init.middleware.length > 0) ||
    (init?.fetch !== undefined && !isRuntimeFetch(init.fetch))
      ? { ...init, Request: init?.Request ?? globalThis.Request }
      : init;
  // A plain call skips openapi-fetch's general machinery (plain-call.ts); it never has middleware.
  const plain: PlainClient = {
    baseUrl: baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl,
    headers: clientHeaders,
    fetch: runtime,
    isRuntimeFetch,
  };
  // Each method, with the Request class its call needs (openapi-fetch's per-call `Request` option).
  const methods = {} as Record<string, unknown>;
  for (const name of ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const) {
    const method = client[name] as (path: unknown, init: Init) => unknown;
    methods[name] = (path: unknown, init: Init) => {
      if (!middlewareUsed && typeof path === "string") {
        try {
          const result = plainCall(plain, name, path, init as Parameters<typeof plainCall>[3]);
          if (result !== undefined) return result;
        } catch (error) {
          // openapi-fetch reports a bad header or body as a rejection, and so does a plain call.
          return Promise.reject(error);
        }
      }
      return method(path, real(init));
    };
  }
  const request = client.request as (method: unknown, path: unknown, init: Init) => unknown;
  return {
    ...client,
    ...(methods as Pick<Client<Paths>, "GET">),
    request: ((method: unknown, path: unknown, init: Init) =>
      request(method, path, real(init))) as Client<Paths>["request"],
    // Once middleware is registered, every request is a real one (it may inspect or replace it).
    use: (...middleware: Middleware[]) => {
      middlewareUsed = true;
      client.use(...middleware);
    },
    runtime,
    // No per-call fetch (a closure, a WeakSet entry and an options check per call) when nothing is set.
    requestInit: (call) => (hasOptions(call) ? { fetch: runtime.withOptions(call) } : NO_INIT),
    // A 2xx that no redirect led to is `data` as is: the secrets are gathered only for an error.
    unwrap: <T>(result: FetchResult<T>): T =>
      result.response.ok && redirectTraceOf(result.response) === undefined
        ? (result.data as T)
        : unwrap(result, { secrets: [...runtime.secrets, ...callSecretsOf(result.response)] }),
  };
}

/** What `requestInit` returns for a call without options (frozen: it is shared by every call). */
const NO_INIT: { fetch?: FetchLike } = Object.freeze({});

/** Whether `call` sets any option (an option set to `undefined` is not set). */
function hasOptions(call: RequestOptions | undefined): boolean {
  for (const name in call) if (call[name as keyof RequestOptions] !== undefined) return true;
  return false;
}

/** The shape of every openapi-fetch result. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The `data` of a 2xx result; otherwise throws the `APIError` subclass for the
 * status (`NotFoundError`, `RateLimitError`, …) with the parsed body and the
 * vendor's message. Pass the client's `secrets` so none reach the message.
 */
export function unwrap<T>(result: FetchResult<T>, options: APIErrorOptions = {}): T {
  const { response } = result;
  const trace = redirectTraceOf(response);
  if (trace && trace.finalMethod !== trace.originalMethod) throw methodChanged(trace);
  if (!response.ok) throw APIError.from(response.status, result.error, response.headers, options);
  return result.data as T;
}

/**
 * A POST (or PUT, PATCH, DELETE) that a redirect turned into a GET was not answered: the answer is
 * the GET's. Taking it as success would report a message as delivered that the server may have
 * dropped (301/302), so helpers throw; a 303 says the server did process it.
 */
function methodChanged(trace: RedirectTrace): APIRedirectError {
  const processed =
    trace.lastStatus === 303
      ? "303 See Other says the server processed it"
      : "the server may or may not have processed it";
  return new APIRedirectError(
    `${trace.originalMethod} was redirected (${trace.lastStatus}) and became GET ${trace.finalUrl}, ` +
      `so its answer is not the ${trace.originalMethod}'s and is not taken as success; ${processed}. ` +
      "It was not sent again: check before retrying.",
    { status: trace.lastStatus, reason: "method-changed", targetOrigin: originOf(trace.finalUrl) },
  );
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
