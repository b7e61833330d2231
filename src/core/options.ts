/** Options shared by every vendor client, and the defaults that apply when they are left out. */
import { ValidationError } from "./errors.js";
import type { CrossOriginRedirects } from "./redirects.js";

/** A `fetch` with the shape openapi-fetch calls: one `Request`, optional extra init. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** Where the runtime writes diagnostics; any subset of `console`'s methods. Nothing logged holds a secret. */
export interface Logger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

/** Options accepted by every `create…Client()`. */
export interface ClientOptions {
  /** Retries after the first attempt (default 2); 0 disables retries. */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms until response headers arrive, and between stream chunks (default 60 000). */
  timeout?: number | undefined;
  /**
   * Custom fetch (defaults to `globalThis.fetch`), e.g. for proxies, tests or instrumentation. Pass
   * `init` on, as in `(request, init) => fetch(request, init)`: its `signal` (the per-attempt timeout
   * and the caller's abort) is what cancels the request; the call times out and aborts regardless.
   */
  fetch?: FetchLike | undefined;
  /** Extra headers sent with every request; `null` removes a default header. */
  headers?: HeaderOverrides | undefined;
  /** Receives a line per attempt and retry, with secrets redacted (default: no logging). */
  logger?: Logger | undefined;
  /** Also retry POST/PATCH after 5xx, timeouts and resets, at the risk of sending twice (default false). */
  retryNonIdempotent?: boolean | undefined;
  /** Same-origin redirects followed in a row before `APIRedirectError` (default 5; 0 follows none). */
  maxRedirects?: number | undefined;
  /**
   * A redirect to another origin: `"error"` (default) throws `APIRedirectError` naming the target
   * origin; `"follow-without-credentials"` follows it without any credential header.
   */
  crossOriginRedirects?: CrossOriginRedirects | undefined;
}

/** Per-call overrides accepted by every helper method. */
export interface RequestOptions {
  /** Aborts the call (and its retries and stream); rejects with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt timeout in ms. */
  timeout?: number | undefined;
  /** Overrides the client's retry count. */
  maxRetries?: number | undefined;
  /** Overrides the client's `retryNonIdempotent`. */
  retryNonIdempotent?: boolean | undefined;
  /**
   * Headers for this call, merged over the client's (names are case-insensitive); `null` removes
   * one, credentials included (`{ "x-cavuer-api-key": null }` sends no key).
   */
  headers?: HeaderOverrides | undefined;
}

/** Header values by name; `null` removes the header, `undefined` leaves it as it is. */
export type HeaderOverrides = Record<string, string | null | undefined>;

/** Default per-attempt timeout: one minute, as chat agents may think for a while before answering. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default number of retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 2;

/** Client options merged with per-call overrides and defaults. */
export interface ResolvedOptions {
  timeout: number;
  maxRetries: number;
  retryNonIdempotent: boolean;
  signal: AbortSignal | undefined;
  /** The per-call header overrides, checked. */
  headers: HeaderOverrides | undefined;
}

/** Merges per-call overrides over client options over defaults; throws `ValidationError` on nonsense. */
export function resolveOptions(client: ClientOptions, call: RequestOptions = {}): ResolvedOptions {
  const timeout = call.timeout ?? client.timeout ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = call.maxRetries ?? client.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new ValidationError("timeout", "must be a positive number of ms");
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ValidationError("maxRetries", "must be a non-negative integer");
  }
  const { maxRedirects, crossOriginRedirects } = client;
  if (
    maxRedirects !== undefined &&
    (!Number.isInteger(maxRedirects) || maxRedirects < 0 || maxRedirects > 20)
  ) {
    throw new ValidationError("maxRedirects", "must be an integer between 0 and 20");
  }
  if (
    crossOriginRedirects !== undefined &&
    crossOriginRedirects !== "error" &&
    crossOriginRedirects !== "follow-without-credentials"
  ) {
    throw new ValidationError("crossOriginRedirects", 'must be "error" or "follow-without-credentials"');
  }
  return {
    timeout,
    maxRetries,
    retryNonIdempotent: call.retryNonIdempotent ?? client.retryNonIdempotent ?? false,
    signal: call.signal,
    headers: checkHeaders("headers", call.headers),
  };
}

const FORBIDDEN_IN_HEADER_VALUE = /[\r\n\0]/;
const BEYOND_LATIN1 = /[\u0100-\u{10ffff}]/u;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks header overrides before any request, so a bad one is a `ValidationError` naming the header
 * instead of the platform's `TypeError` (which quotes the value, and the value may be a key).
 */
export function checkHeaders(
  field: string,
  headers: HeaderOverrides | undefined,
): HeaderOverrides | undefined {
  if (headers === undefined) return undefined;
  if (headers === null || typeof headers !== "object") throw new ValidationError(field, "must be an object");
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new ValidationError(`${field}.${name}`, "is not a valid header name");
    if (value === null || value === undefined) continue;
    if (typeof value !== "string") {
      throw new ValidationError(
        `${field}.${name}`,
        `must be a string, null or undefined, got ${typeof value}`,
      );
    }
    if (FORBIDDEN_IN_HEADER_VALUE.test(value)) {
      throw new ValidationError(`${field}.${name}`, "must not contain CR, LF or NUL");
    }
    if (BEYOND_LATIN1.test(value)) {
      throw new ValidationError(
        `${field}.${name}`,
        "must hold only Latin-1 characters (a header value is bytes)",
      );
    }
  }
  return headers;
}
