/**
 * Per-attempt deadlines combined with the caller's `AbortSignal`.
 *
 * The timeout covers one attempt up to the arrival of the response headers;
 * the timer is cleared as soon as they arrive, so reading a long body is not
 * cut short. Streams are guarded instead by an idle timeout between chunks
 * (same value by default), enforced by `parseSSE`. A timeout rejects with
 * `APIConnectionTimeoutError`, an abort by the caller with `APIUserAbortError`.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "./errors.js";

/** One attempt's signal: aborts on the caller's signal or when `timeoutMs` elapses. */
export interface AttemptSignal {
  /** Pass this to `fetch`. */
  readonly signal: AbortSignal;
  /** Whether the deadline (not the caller) caused the abort. */
  timedOut(): boolean;
  /** Stops the deadline timer; the caller's signal keeps working (for the body). */
  clear(): void;
}

/** Combines the caller's signal with a fresh deadline of `timeoutMs`. */
export function attemptSignal(userSignal: AbortSignal | undefined, timeoutMs: number): AttemptSignal {
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort(new APIConnectionTimeoutError(`Request timed out after ${timeoutMs} ms.`));
  }, timeoutMs);
  const signal = userSignal ? AbortSignal.any([userSignal, deadline.signal]) : deadline.signal;
  return { signal, timedOut: () => timedOut && !userSignal?.aborted, clear: () => clearTimeout(timer) };
}

/** Maps whatever `fetch` threw to the right class: user abort, timeout, or connection error (cause kept). */
export function toConnectionError(
  error: unknown,
  userSignal: AbortSignal | undefined,
  timedOut: boolean,
): APIUserAbortError | APIConnectionError {
  if (userSignal?.aborted) {
    return error instanceof APIUserAbortError ? error : new APIUserAbortError(undefined, { cause: error });
  }
  if (error instanceof APIUserAbortError || error instanceof APIConnectionError) return error;
  if (timedOut) return new APIConnectionTimeoutError(undefined, { cause: error });
  return new APIConnectionError(undefined, { cause: error });
}

/** Resolves after `ms`, or rejects with `APIUserAbortError` as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
