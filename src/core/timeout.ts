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
  /** Stops the timer and stops following the caller's signal: this attempt's response is discarded. */
  release(): void;
  /**
   * Settles like `promise`, or rejects with the abort reason as soon as `signal` aborts, so a
   * custom `fetch` that ignores the signal still cannot outlive the deadline or the caller's abort.
   */
  race<T>(promise: Promise<T>): Promise<T>;
}

/**
 * Combines the caller's signal with a fresh deadline of `timeoutMs`: one `AbortController` and one
 * `abort` listener on `userSignal` (no `AbortSignal.any`, which costs tens of µs per attempt on
 * Node 20). The listener stays until {@link AttemptSignal.release}, so that aborting the caller's
 * signal still cancels the body of the attempt's response: pass a signal that lives as long as
 * the call (e.g. the `Request`'s own), not one shared by many calls, or call `release()`.
 */
export function attemptSignal(userSignal: AbortSignal | undefined, timeoutMs: number): AttemptSignal {
  return new Deadline(userSignal, timeoutMs);
}

/** {@link attemptSignal}'s implementation: no closures per attempt (the listener is the object itself). */
class Deadline implements AttemptSignal {
  /** Created when `signal` is first read: a custom fetch that never reads it costs no AbortSignal. */
  #controller: AbortController | undefined;
  readonly #userSignal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  #aborted = false;
  #reason: unknown;
  #timedOut = false;
  #rejectRace: ((reason: unknown) => void) | undefined;

  constructor(userSignal: AbortSignal | undefined, timeoutMs: number) {
    this.#userSignal = userSignal;
    this.#timeoutMs = timeoutMs;
    if (userSignal?.aborted) this.#abort(userSignal.reason);
    else userSignal?.addEventListener("abort", this, { once: true });
    this.#timer = setTimeout(onDeadline, timeoutMs, this);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  timedOut(): boolean {
    return this.#timedOut && !this.#userSignal?.aborted;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  release(): void {
    clearTimeout(this.#timer);
    this.#userSignal?.removeEventListener("abort", this);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      promise.then(resolve, reject);
      if (this.#aborted) reject(this.#reason);
      else this.#rejectRace = reject;
    });
  }

  /** The caller's signal aborted (EventTarget listener object). */
  handleEvent(): void {
    this.#abort(this.#userSignal?.reason);
  }

  /** The deadline elapsed. */
  expire(): void {
    this.#timedOut = true;
    this.#abort(new APIConnectionTimeoutError(`Request timed out after ${this.#timeoutMs} ms.`));
  }

  #abort(reason: unknown): void {
    if (this.#aborted) return; // the first reason wins, as with AbortController
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.#rejectRace?.(reason);
  }
}

function onDeadline(deadline: Deadline): void {
  deadline.expire();
}

/** Where a request went, for errors: the vendor and `host:port` (never a path, query or user-info). */
export interface RequestTarget {
  /** The vendor's name ("Cavuer"), when the client set one. */
  vendor?: string | undefined;
  /** The request URL. */
  url: string;
}

/** "Cavuer at api.cavuer.com:443": who and where, without a path or query (which may carry keys). */
export function describeTarget(target: RequestTarget): string {
  let hostPort = "an unparsable URL";
  try {
    const url = new URL(target.url);
    hostPort = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  } catch {}
  return target.vendor ? `${target.vendor} at ${hostPort}` : hostPort;
}

/** The platform's error code (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`…) from a cause chain. */
function errorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps whatever `fetch` threw to the right class: user abort, timeout, or connection error (cause
 * kept). With a `target`, connection and timeout errors say which vendor and `host:port` failed.
 */
export function toConnectionError(
  error: unknown,
  userSignal: AbortSignal | undefined,
  timedOut: boolean,
  target?: RequestTarget,
): APIUserAbortError | APIConnectionError {
  if (userSignal?.aborted) {
    return error instanceof APIUserAbortError ? error : new APIUserAbortError(undefined, { cause: error });
  }
  if (error instanceof APIUserAbortError) return error;
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    if (!target)
      return error instanceof APIConnectionError
        ? error
        : new APIConnectionTimeoutError(undefined, { cause: error });
    const after =
      error instanceof APIConnectionTimeoutError ? error.message.match(/after (\d+) ms/)?.[0] : undefined;
    return new APIConnectionTimeoutError(
      `Request to ${describeTarget(target)} timed out${after ? ` ${after}` : ""} (no response headers).`,
      { cause: error },
    );
  }
  if (error instanceof APIConnectionError) return error;
  if (!target) return new APIConnectionError(undefined, { cause: error });
  const code = errorCode(error);
  return new APIConnectionError(
    `Connection error: could not get a response from ${describeTarget(target)}${code ? ` (${code})` : ""}.`,
    { cause: error },
  );
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
