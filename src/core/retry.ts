/**
 * When to retry and how long to wait.
 *
 * Retried: 408, 409, 429, every status >= 500, and connection errors
 * (refused, reset, timeout). `x-should-retry: true|false` from the server
 * overrides the status rule. The wait comes from `retry-after-ms`, then
 * `Retry-After` (seconds or an HTTP date), then, on 429 only,
 * `X-RateLimit-Reset` (epoch seconds); each is clamped to 0–60 s. Without
 * them: exponential backoff `min(0.5 · 2^n, 8)` s minus up to 25 % jitter.
 *
 * Non-idempotent methods (POST, PATCH) carry a customer's message: a retry
 * after a 5xx, a timeout or a reset may deliver it twice, because the server
 * may have processed it before failing. So by default they are retried only
 * when the request provably was not processed: 408, 409, 429, an explicit
 * `x-should-retry: true`, or a connection error raised before anything was
 * sent (ECONNREFUSED, ENOTFOUND, EAI_AGAIN in the cause chain). Other 5xx,
 * timeouts and resets surface as errors for the caller to decide.
 * `retryNonIdempotent: true` (client-level or per call) opts into full
 * retries. GET, PUT, DELETE, HEAD and OPTIONS are always retried fully.
 *
 * "Provably not processed" means the original request never reached its server: once a
 * redirect answered it, a POST/PATCH is never retried, whatever happens next (the target
 * refuses the connection, times out, answers 429 or 5xx), even with `retryNonIdempotent`.
 */

/** Upper bound for any wait the server asks for. */
export const MAX_RETRY_AFTER_MS = 60_000;

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([408, 409, 429]);
/** Error codes that mean no byte of the request reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** What a retry decision needs to know about a request. */
export interface RetryContext {
  /** HTTP method, upper-case. */
  method: string;
  /** Whether POST/PATCH may be retried as freely as GET. */
  retryNonIdempotent: boolean;
  /**
   * Whether the original request was answered (by a redirect): it reached its server, so a
   * POST/PATCH may have been processed and is never retried, even with `retryNonIdempotent`.
   */
  originalAnswered?: boolean | undefined;
}

/** Whether a response with this status and these headers should be retried. */
export function shouldRetryResponse(status: number, headers: Headers, context: RetryContext): boolean {
  if (answeredNonIdempotent(context)) return false;
  const explicit = headers.get("x-should-retry");
  if (explicit === "true") return true;
  if (explicit === "false") return false;
  if (NOT_PROCESSED_STATUSES.has(status)) return true;
  if (status < 500) return false;
  return isIdempotent(context);
}

/** Whether a thrown connection error (already mapped by `toConnectionError`) should be retried. */
export function shouldRetryError(error: unknown, context: RetryContext): boolean {
  if (answeredNonIdempotent(context)) return false;
  if (isIdempotent(context)) return true;
  return wasNotSent(error);
}

function answeredNonIdempotent(context: RetryContext): boolean {
  return context.originalAnswered === true && !IDEMPOTENT_METHODS.has(context.method.toUpperCase());
}

function isIdempotent(context: RetryContext): boolean {
  return context.retryNonIdempotent || IDEMPOTENT_METHODS.has(context.method.toUpperCase());
}

/** True when an error's cause chain shows the connection failed before the request was sent. */
export function wasNotSent(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
    // AggregateError (happy-eyeballs connect) holds one error per address.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every(wasNotSent)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry).
 * `now` and `random` are injectable for tests.
 */
export function retryDelayMs(
  retry: number,
  headers: Headers | undefined,
  status: number | undefined,
  now: number = Date.now(),
  random: () => number = Math.random,
): number {
  const asked = headers ? serverDelayMs(headers, status, now) : undefined;
  if (asked !== undefined) return Math.min(Math.max(asked, 0), MAX_RETRY_AFTER_MS);
  const base = Math.min(0.5 * 2 ** retry, 8) * 1000;
  return base * (1 - random() * 0.25);
}

function serverDelayMs(headers: Headers, status: number | undefined, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms)) return ms;
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter.trim());
    if (retryAfter.trim() !== "" && Number.isFinite(seconds)) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date - now;
  }
  const reset = Number.parseFloat(headers.get("x-ratelimit-reset") ?? "");
  if (status === 429 && Number.isFinite(reset)) return reset * 1000 - now;
  return undefined;
}
