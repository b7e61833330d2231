/**
 * The request object openapi-fetch builds (its `Request` option) when only our runtime will see
 * it: the URL, method, headers and body kept as they are, with no WHATWG `Request` (and no body
 * stream) constructed. The runtime hands them to the platform's `fetch` as `(url, init)`, which
 * builds the one `Request` undici needs; a body kept as a string is sent again on a retry or a
 * 307/308 without `clone()` (a stream tee per attempt). On Node 20 the `Request` openapi-fetch
 * builds plus the `clone()` cost about as much as the rest of a POST (bench/RESULTS.md).
 *
 * Only the plain case is light: a method the platform accepts as is, a string body or none, and
 * no init key beyond method, headers, body, redirect and signal. Anything else (a FormData or
 * stream body, `mode`, `cache`, an invalid URL, a GET with a body…) gets a real `Request`, built
 * right here, so that it is checked, and fails, exactly as before. Middleware and a `fetch` of the
 * caller's own always get a real `Request` (typed-client.ts decides).
 */

/** Methods sent as written (the Fetch standard normalises only these, by upper-casing). */
const PLAIN_METHODS: ReadonlySet<string> = new Set([
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
]);
const PLAIN_KEYS: ReadonlySet<string> = new Set(["method", "headers", "body", "redirect", "signal"]);

/** A request the runtime sends as `fetch(url, init)`. */
export class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The body as given (a string), resent as is on a retry or a 307/308. */
  readonly body: string | null;
  readonly redirect: RequestRedirect;
  /** The caller's signal (openapi-fetch's `signal` option), if any. */
  readonly signal: AbortSignal | undefined;

  /** Use {@link LightRequest.Constructor}, which checks that the request is a plain one. */
  constructor(url: string, method: string, headers: Headers, init: RequestInit) {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.body = (init.body as string | null | undefined) ?? null;
    this.redirect = init.redirect ?? "follow";
    this.signal = init.signal ?? undefined;
  }

  /** The same request with other headers. */
  withHeaders(headers: Headers): LightRequest {
    return new LightRequest(this.url, this.method, headers, this.init());
  }

  /** A real `Request` with the same URL, method, headers, body, redirect mode and signal. */
  toRequest(): Request {
    return new Request(this.url, this.init());
  }

  /** The init that sends this request with `fetch(url, init)`. */
  init(): RequestInit {
    const init: RequestInit = { method: this.method, headers: this.headers, redirect: this.redirect };
    if (this.body !== null) init.body = this.body;
    if (this.signal !== undefined) init.signal = this.signal;
    return init;
  }

  /**
   * openapi-fetch's `Request` option: called with `new`, it returns a LightRequest for the plain
   * case and a real `Request` otherwise (a constructor may return another object).
   */
  static readonly Constructor = function LightOrRealRequest(input: string, init: RequestInit = {}) {
    const light = plain(input, init);
    return light ?? new Request(input, init);
  } as unknown as typeof Request;
}

/** A LightRequest for `input` and `init` when nothing in them needs a real Request to be checked. */
function plain(input: unknown, init: RequestInit): LightRequest | undefined {
  if (typeof input !== "string") return undefined;
  // The URL as a Request would hold it (parsed and serialised: `request.url`); unparsable, the
  // real Request throws its own error.
  let url: string;
  try {
    url = new URL(input).href;
  } catch {
    return undefined;
  }
  for (const key in init) {
    if (!PLAIN_KEYS.has(key) && init[key as keyof RequestInit] !== undefined) return undefined;
  }
  const method = init.method ?? "GET";
  if (!PLAIN_METHODS.has(method)) return undefined;
  const body = init.body;
  if (
    body !== undefined &&
    body !== null &&
    (typeof body !== "string" || method === "GET" || method === "HEAD")
  ) {
    return undefined;
  }
  if (!(init.headers instanceof Headers)) return undefined;
  if (init.signal !== undefined && init.signal !== null && !(init.signal instanceof AbortSignal))
    return undefined;
  if (
    init.redirect !== undefined &&
    init.redirect !== "manual" &&
    init.redirect !== "follow" &&
    init.redirect !== "error"
  ) {
    return undefined;
  }
  return new LightRequest(url, method, init.headers, init);
}
