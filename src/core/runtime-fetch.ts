/**
 * The runtime under every client: a `fetch` for openapi-fetch that adds default
 * headers, per-attempt timeouts, retries (see `retry.ts` for the policy),
 * redacted logging, and typed connection errors. It resolves with the final
 * `Response` even when it is not 2xx, so openapi-fetch still returns
 * `{ data, error, response }`; `unwrap()` turns that into a typed `APIError`.
 */
import { APIRedirectError, APIUserAbortError } from "./errors.js";
import { LightRequest } from "./light-request.js";
import {
  type ClientOptions,
  type FetchLike,
  type HeaderOverrides,
  type RequestOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { credentialValues, recordCallSecrets, redactUrl, scrubError } from "./redaction.js";
import {
  DEFAULT_MAX_REDIRECTS,
  describeUrl,
  dropCredentials,
  isRedirect,
  planRedirect,
  type RedirectPolicy,
  recordRedirectTrace,
} from "./redirects.js";
import { type RetryContext, retryDelayMs, shouldRetryError, shouldRetryResponse } from "./retry.js";
import { type AttemptSignal, abortableSleep, attemptSignal, toConnectionError } from "./timeout.js";

/** Options of {@link createRuntimeFetch}: the client options plus what only client authors set. */
export interface RuntimeOptions extends ClientOptions {
  /** Secret strings (API keys, tokens) scrubbed from logs and errors. */
  secrets?: readonly string[] | undefined;
  /** Waits between attempts; injectable so tests need not sleep. Must reject when `signal` aborts. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: (() => number) | undefined;
  /** The vendor's name, for errors that say where ("Connection error: … Cavuer at api.cavuer.com:443"). */
  vendor?: string | undefined;
  /** Names of the headers this client sends credentials in (dropped on a cross-origin redirect). */
  credentialHeaders?: readonly string[] | undefined;
}

/** A `fetch` with retries and timeouts, plus helpers for per-call overrides. */
export interface RuntimeFetch {
  /** Sends `input` with retries and timeouts; also accepts a URL and init, like global `fetch`. */
  (input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /**
   * A fetch applying per-call overrides, for openapi-fetch's per-request `fetch`
   * option: `api.POST(path, { body, fetch: runtime.withOptions(options) })`.
   */
  withOptions(options?: RequestOptions): FetchLike;
  /** Client options merged with `options` and the defaults (e.g. the idle timeout for `parseSSE`). */
  resolve(options?: RequestOptions): ResolvedOptions;
  /** The secrets this runtime redacts, for building errors with `unwrap`. */
  readonly secrets: readonly string[];
}

/** The fetches {@link createRuntimeFetch} made (the runtime and its `withOptions` results). */
const runtimeFetches = new WeakSet<object>();

/** Whether `fetch` is a runtime's (which accepts a {@link LightRequest}) rather than the caller's own. */
export function isRuntimeFetch(fetch: unknown): boolean {
  return typeof fetch === "function" && runtimeFetches.has(fetch);
}

/** Creates the retrying, timing-out `fetch` that clients hand to openapi-fetch. */
export function createRuntimeFetch(options: RuntimeOptions = {}): RuntimeFetch {
  const secrets = (options.secrets ?? []).filter((secret) => secret !== "");
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const logger = options.logger;
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // Rejects a bad client-level timeout or maxRetries at construction; reused by every call that
  // brings no options of its own (frozen: it is shared).
  const defaults = Object.freeze(resolveOptions(options));

  // The per-attempt signal (deadline + caller's abort) goes to `fetch` in its init argument, as
  // `baseFetch(request, { ...ext, signal })`: the WHATWG fetch honours `init.signal` over the
  // Request's own, and this avoids re-wrapping the Request per attempt (~30 µs on Node 20). A custom
  // `fetch` should pass `init` on to cancel the I/O; one that ignores it (reads only
  // `request.signal`) still cannot make a call outlive its timeout or the caller's abort, because
  // the attempt is raced against the signal (only needed for a custom fetch). For a custom fetch,
  // `init.signal` is an own enumerable getter (kept by `{ ...init }`), so one that never reads it
  // (e.g. an in-memory fake) costs no AbortSignal, which is the dearest part of an attempt on Node 20.
  const raceSignal = options.fetch !== undefined;

  const redirectPolicy: RedirectPolicy = {
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    crossOrigin: options.crossOriginRedirects ?? "error",
    credentialHeaders: new Set((options.credentialHeaders ?? []).map((name) => name.toLowerCase())),
    secrets,
  };

  /**
   * One send on the platform: never following redirects itself (the runtime does, see redirects.ts).
   * A LightRequest goes to the global fetch as `(url, init)`, so undici builds the only Request of the
   * attempt; a custom fetch gets a real Request of its own per attempt, as it always did.
   */
  function send(
    request: Request | LightRequest,
    ext: RequestInit | undefined,
    deadline: AttemptSignal,
  ): Promise<Response> {
    if (request instanceof LightRequest) {
      return raceSignal
        ? deadline.race(baseFetch(request.toRequest(), lazySignalInit(ext, deadline)))
        : globalThis.fetch(request.url, {
            ...ext,
            ...request.init(),
            signal: deadline.signal,
            redirect: "manual",
          });
    }
    return raceSignal
      ? deadline.race(baseFetch(request, lazySignalInit(ext, deadline)))
      : baseFetch(request, { ...ext, signal: deadline.signal, redirect: "manual" });
  }

  async function run(
    input: Request | LightRequest | string | URL,
    init: RequestInit | undefined,
    call: RequestOptions,
  ) {
    const resolved = call === NO_OPTIONS ? defaults : resolveOptions(options, call);
    // openapi-fetch calls fetch(request, requestInitExt): with a Request, `init` only carries
    // platform extensions (e.g. an undici dispatcher) and is passed through to every attempt.
    const ext = input instanceof Request || input instanceof LightRequest ? init : undefined;
    // A ReadableStream body can be sent only once, so such requests never retry (a LightRequest's
    // body is a string).
    const streamingBody = ext === undefined && init?.body instanceof ReadableStream;
    const request = withHeaders(
      input instanceof Request || input instanceof LightRequest
        ? input
        : new Request(input, { ...init, redirect: "manual" }),
      resolved.headers,
    );
    // A Request always has a signal (following openapi-fetch's `signal` option), a LightRequest the
    // caller's if any; it lives as long as this call, so listening to it per attempt leaks nothing.
    // A per-call signal is combined with it.
    const requestSignal = request.signal;
    const userSignal =
      resolved.signal && requestSignal
        ? AbortSignal.any([requestSignal, resolved.signal])
        : (resolved.signal ?? requestSignal);
    const maxRetries = streamingBody ? 0 : resolved.maxRetries;
    // A credential sent only with this call (`headers: { authorization: … }`) is a secret of this
    // call: redacted from its errors and logs, and dropped on a cross-origin redirect.
    const callSecrets = resolved.headers
      ? credentialValues(resolved.headers, redirectPolicy.credentialHeaders)
      : [];
    const policy =
      callSecrets.length > 0 ? { ...redirectPolicy, secrets: [...secrets, ...callSecrets] } : redirectPolicy;
    // Log fields (redactUrl is not free) only when there is a logger.
    const log = logger ? { method: request.method, url: redactUrl(request.url, policy.secrets) } : undefined;
    // A body is kept for a retry or a 307/308; a one-time stream cannot be kept.
    const keepsBody = !streamingBody && (maxRetries > 0 || redirectPolicy.maxRedirects > 0);

    for (let attempt = 0; ; attempt++) {
      if (userSignal?.aborted) throw new APIUserAbortError();
      const deadline = attemptSignal(userSignal, resolved.timeout);
      // Keep the original for the next attempt (or redirect) when sending consumes a body; a
      // body-less request (GET, DELETE…) can be sent as is again, and so can a LightRequest, whose
      // body is a string.
      const attemptRequest =
        request instanceof Request && keepsBody && request.body !== null ? request.clone() : request;
      if (logger) logger.debug?.("request", { ...log, attempt });
      // Once the original request has been answered (by a redirect), it reached its server: a
      // POST/PATCH may have been processed, so it is never sent again, whatever happens next.
      const context: RetryContext = {
        method: request.method,
        retryNonIdempotent: resolved.retryNonIdempotent,
        originalAnswered: false,
      };
      let response: Response;
      try {
        response = await send(attemptRequest, ext, deadline);
        if (isRedirect(response) || response.redirected) {
          context.originalAnswered = true;
          // Redirects are rare: the chain is followed with a real Request (cloned for a 307/308 body).
          const original = request instanceof LightRequest ? request.toRequest() : request;
          response = await followRedirects(original, response, policy, {
            ext,
            deadline,
            streamingBody,
            log,
            attempt,
          });
        }
      } catch (thrown) {
        deadline.release();
        if (thrown instanceof APIRedirectError) {
          if (logger) logger.debug?.("request failed", { ...log, attempt, error: thrown.message });
          throw thrown;
        }
        // A failure at a redirect's target names that target's host.
        const failed = thrown instanceof HopFailure ? thrown : new HopFailure(thrown, request.url);
        const target = { vendor: options.vendor, url: failed.url };
        const error = scrubError(
          toConnectionError(failed.error, userSignal, deadline.timedOut(), target),
          policy.secrets,
        );
        const retry =
          attempt < maxRetries && !(error instanceof APIUserAbortError) && shouldRetryError(error, context);
        if (!retry) {
          if (logger) logger.debug?.("request failed", { ...log, attempt, error: error.message });
          throw error;
        }
        const delayMs = retryDelayMs(attempt, undefined, undefined, Date.now(), random);
        if (logger) {
          logger.warn?.("retrying", {
            ...log,
            attempt,
            error: error.message,
            delayMs: Math.round(delayMs),
          });
        }
        await sleep(delayMs, userSignal);
        continue;
      }
      deadline.clear();
      if (callSecrets.length > 0) recordCallSecrets(response, callSecrets);
      if (logger) logger.debug?.("response", { ...log, attempt, status: response.status });
      if (
        response.ok ||
        attempt >= maxRetries ||
        !shouldRetryResponse(response.status, response.headers, context)
      ) {
        return response;
      }
      const delayMs = retryDelayMs(attempt, response.headers, response.status, Date.now(), random);
      // Release the connection before waiting; not awaited, as cancelling a tee'd body
      // (a custom fetch that cloned the response) settles only when every branch is cancelled.
      response.body?.cancel().catch(() => {});
      deadline.release();
      if (logger) {
        logger.warn?.("retrying", {
          ...log,
          attempt,
          status: response.status,
          delayMs: Math.round(delayMs),
        });
      }
      await sleep(delayMs, userSignal);
    }
  }

  /**
   * Follows the redirect chain that `first` starts, by the policy in redirects.ts, within the
   * attempt's deadline; resolves with the first response that is not a redirect, or throws
   * `APIRedirectError` (or what the platform throws for a hop).
   */
  async function followRedirects(
    original: Request,
    first: Response,
    policy: RedirectPolicy,
    hop: {
      ext: RequestInit | undefined;
      deadline: AttemptSignal;
      streamingBody: boolean;
      log: Record<string, unknown> | undefined;
      attempt: number;
    },
  ): Promise<Response> {
    const originalOrigin = new URL(original.url).origin;
    let current = original;
    let response = first;
    let credentialsDropped = false;
    let lastStatus = first.status;
    for (let followed = 0; ; followed++) {
      if (response.redirected) {
        // A custom fetch followed the redirect itself: too late to drop credentials, but a foreign
        // answer is still not taken for the original origin's.
        const finalOrigin = new URL(response.url).origin;
        if (finalOrigin === originalOrigin) return response;
        response.body?.cancel().catch(() => {});
        throw new APIRedirectError(
          `${original.method} ${describeUrl(original.url, policy)} was redirected to ${finalOrigin} by the custom fetch (it should pass init on, which asks for redirect: "manual").`,
          { status: response.status, reason: "cross-origin", targetOrigin: finalOrigin },
        );
      }
      if (!isRedirect(response)) break;
      const step = planRedirect(current, response, followed, originalOrigin, policy);
      response.body?.cancel().catch(() => {});
      if (step instanceof APIRedirectError) throw step;
      if (step.keepBody && hop.streamingBody) {
        throw new APIRedirectError(
          `${current.method} ${describeUrl(current.url, policy)} was answered ${response.status}, which asks to send the body again, but it was a one-time stream; not followed.`,
          { status: response.status, reason: "body-not-replayable", targetOrigin: step.url.origin },
        );
      }
      // Once dropped, credentials stay dropped, even back on the original origin.
      credentialsDropped ||= step.credentialsDropped;
      if (credentialsDropped) dropCredentials(step.headers, policy);
      lastStatus = response.status;
      if (logger) {
        logger.debug?.("redirect", {
          ...hop.log,
          attempt: hop.attempt,
          status: response.status,
          to: describeUrl(step.url.href, policy),
        });
      }
      const body = step.keepBody ? await original.clone().arrayBuffer() : null;
      current = new Request(step.url, {
        method: step.method,
        headers: step.headers,
        body,
        redirect: "manual",
        signal: original.signal,
      });
      try {
        response = await send(current, hop.ext, hop.deadline);
      } catch (error) {
        throw new HopFailure(error, current.url);
      }
    }
    recordRedirectTrace(response, {
      originalMethod: original.method,
      finalMethod: current.method,
      lastStatus,
      finalUrl: describeUrl(current.url, policy),
    });
    return response;
  }

  /**
   * Applies the client's default headers (where the request has none of its own) and then the
   * per-call overrides (which win); builds a new Request only when one of them changes something.
   */
  function withHeaders<R extends Request | LightRequest>(
    request: R,
    overrides: HeaderOverrides | undefined,
  ): R {
    const defaults = options.headers;
    if (!defaults && !overrides) return request;
    let headers: Headers | undefined;
    for (const name in defaults) {
      const value = defaults[name];
      const present = request.headers.has(name);
      if (value === null ? !present : value === undefined || present) continue;
      headers ??= new Headers(request.headers);
      if (value === null) headers.delete(name);
      else if (value !== undefined) headers.set(name, value);
    }
    for (const name in overrides) {
      const value = overrides[name];
      if (value === undefined) continue;
      headers ??= new Headers(request.headers);
      if (value === null) headers.delete(name);
      else headers.set(name, value);
    }
    if (!headers) return request;
    return (
      request instanceof LightRequest ? request.withHeaders(headers) : new Request(request, { headers })
    ) as R;
  }

  const runtime = ((input: Request | string | URL, init?: RequestInit) =>
    run(input, init, NO_OPTIONS)) as RuntimeFetch;
  runtimeFetches.add(runtime);
  Object.defineProperties(runtime, {
    withOptions: {
      value: (call: RequestOptions = {}): FetchLike => {
        resolveOptions(options, call);
        const fetch: FetchLike = (input, init) => run(input, init, call);
        runtimeFetches.add(fetch);
        return fetch;
      },
    },
    resolve: { value: (call: RequestOptions = {}) => resolveOptions(options, call) },
    secrets: { value: Object.freeze(secrets) },
  });
  return runtime;
}

/** The per-call options of a call made through the runtime itself, which has none. */
const NO_OPTIONS: RequestOptions = Object.freeze({});

/** What a redirect hop's `fetch` threw, and the URL it was sending to. */
class HopFailure {
  constructor(
    readonly error: unknown,
    readonly url: string,
  ) {}
}

/** `{ ...ext, signal }` whose `signal` is created only when read (see `raceSignal` above). */
function lazySignalInit(ext: RequestInit | undefined, deadline: AttemptSignal): RequestInit {
  return {
    ...ext,
    redirect: "manual",
    get signal() {
      return deadline.signal;
    },
  };
}
