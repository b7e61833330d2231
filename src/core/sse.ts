/**
 * Server-sent events from a response body, parsed by eventsource-parser.
 *
 * Each event is yielded as soon as its terminating blank line arrives. Closing
 * the generator (`break`, `return`, a thrown error in the loop) or aborting
 * `signal` cancels the body, which closes the HTTP connection. If no chunk
 * arrives for `idleTimeoutMs`, the stream fails with `APIConnectionTimeoutError`.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export type { EventSourceMessage };

import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ChatAgentApiError,
} from "./errors.js";

/** One server-sent event. */
export interface SSEEvent {
  /** The `event:` field, when the server sent one. */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The `id:` field, when the server sent one. */
  id?: string;
}

/** Options of {@link parseSSE}. */
export interface ParseSSEOptions {
  /** Stops the stream and rejects with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Longest wait for the next chunk in ms (no limit when omitted); use `runtime.resolve(options).timeout`. */
  idleTimeoutMs?: number | undefined;
  /** Largest event in characters before the stream is failed, guarding memory (default 16 MiB). */
  maxEventSize?: number | undefined;
}

/** Parses `body` as `text/event-stream`, yielding each event as it arrives. */
export function parseSSE(
  body: ReadableStream<Uint8Array>,
  options: ParseSSEOptions = {},
): AsyncGenerator<SSEEvent, void, undefined> {
  return streamSSE(() => ({ body, options }), pushEvent);
}

function pushEvent(message: EventSourceMessage, out: SSEEvent[]): undefined {
  out.push(toEvent(message));
}

/** The body to parse with {@link streamSSE}, and how. */
export interface SSESource {
  body: ReadableStream<Uint8Array>;
  options?: ParseSSEOptions | undefined;
}

/**
 * Turns one parsed event into values for {@link streamSSE}: push them to `out` (synchronously, with
 * no async step per event); return `true` to end the stream after them (the connection is closed);
 * throw to fail the stream after the values already pushed for earlier events.
 */
export type SSEHandler<T> = (message: EventSourceMessage, out: T[]) => boolean | undefined;

/**
 * The engine under {@link parseSSE} and the vendors' stream readers: one async generator that reads
 * the body (with the abort and idle-timeout guards), feeds eventsource-parser, maps each event with
 * `onEvent` inside the parser callback, and yields the results — so a reader built on it adds no
 * generator of its own per event. `open` runs on the first `next()` (e.g. sends the request);
 * `onEnd` runs when the body ends before `onEvent` ended the stream, and may throw.
 */
export function streamSSE<T>(
  open: () => SSESource | Promise<SSESource>,
  onEvent: SSEHandler<T>,
  onEnd?: () => void,
): AsyncGenerator<T, void, undefined> {
  return new Unbatched(batches(open, onEvent, onEnd));
}

/** {@link streamSSE}'s generator: one `yield` per read (of every value its events gave), not per event. */
async function* batches<T>(
  open: () => SSESource | Promise<SSESource>,
  onEvent: SSEHandler<T>,
  onEnd: (() => void) | undefined,
): AsyncGenerator<readonly T[], void, undefined> {
  const { body, options = {} } = await open();
  const { signal, idleTimeoutMs } = options;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const out: T[] = [];
  let parseError: Error | undefined;
  let failure: { error: unknown } | undefined;
  let ended = false;
  const parser = createParser({
    maxBufferSize: options.maxEventSize ?? 16 * 1024 * 1024,
    onEvent: (message) => {
      if (ended || failure) return;
      try {
        if (onEvent(message, out)) ended = true;
      } catch (error) {
        failure = { error };
      }
    },
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignored, as the SSE standard says.
      if (error.type === "max-buffer-size-exceeded") {
        parseError = new ChatAgentApiError(`Stream event too large: ${error.message}`);
      }
    },
  });
  let finished = false;
  let endsWithCR = false;
  try {
    while (true) {
      const { done, value } = await guardedRead(reader, signal, idleTimeoutMs);
      let text = done ? decoder.decode() : decoder.decode(value, STREAM);
      if (text !== "") endsWithCR = text.endsWith("\r");
      if (done) {
        finished = true;
        // The parser holds a trailing CR back in case LF follows; at the end of the stream it
        // is a complete line ending, so turn it into CRLF (the same line ending) to flush it.
        if (endsWithCR) text += "\n";
      }
      parser.feed(text);
      if (parseError) throw parseError;
      if (out.length > 0) {
        yield out; // the consumer has taken every value before the generator resumes
        out.length = 0;
      }
      if (failure) throw failure.error;
      if (ended) return;
      if (finished) {
        onEnd?.();
        return;
      }
    }
  } finally {
    // Not awaited: when the body is one branch of a tee (a custom fetch that cloned the response,
    // e.g. to log it), cancel() settles only once every branch is cancelled, which would hang here.
    if (!finished) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

const STREAM: TextDecodeOptions = { stream: true };

const noop = () => {};

/**
 * An `AsyncGenerator` of the values of a generator of batches. Values already read are handed out
 * from a settled promise, without resuming a generator per value (an async generator's `yield` costs
 * several microtask turns, more than parsing a token-sized event); the batches generator resumes only
 * when its batch is used up, so values still arrive as soon as their read does. `return()` and
 * `throw()` go to the batches generator (closing the body); calls are served in order.
 */
class Unbatched<T> implements AsyncGenerator<T, void, undefined> {
  readonly #source: AsyncGenerator<readonly T[], void, undefined>;
  #batch: readonly T[] = [];
  #index = 0;
  #done = false;
  /** Settles after the last queued slow call; `#queued` counts those still running. */
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(source: AsyncGenerator<readonly T[], void, undefined>) {
    this.#source = source;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#queued === 0 && this.#index < this.#batch.length) {
      return Promise.resolve({ value: this.#batch[this.#index++] as T, done: false });
    }
    return this.#enqueue(() => this.#pull());
  }

  return(): Promise<IteratorResult<T, void>> {
    return this.#enqueue(async () => {
      this.#finish();
      await this.#source.return();
      return { value: undefined, done: true };
    });
  }

  throw(error: unknown): Promise<IteratorResult<T, void>> {
    return this.#enqueue(async () => {
      this.#finish();
      await this.#source.throw(error);
      return { value: undefined, done: true };
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #pull(): Promise<IteratorResult<T, void>> {
    while (this.#index >= this.#batch.length) {
      if (this.#done) return { value: undefined, done: true };
      let result: IteratorResult<readonly T[], void>;
      try {
        result = await this.#source.next();
      } catch (error) {
        this.#finish();
        throw error;
      }
      if (result.done) {
        this.#finish();
        return { value: undefined, done: true };
      }
      this.#batch = result.value;
      this.#index = 0;
    }
    return { value: this.#batch[this.#index++] as T, done: false };
  }

  #finish(): void {
    this.#done = true;
    this.#batch = [];
    this.#index = 0;
  }

  #enqueue(step: () => Promise<IteratorResult<T, void>>): Promise<IteratorResult<T, void>> {
    this.#queued++;
    const result = this.#tail.then(step).finally(() => {
      this.#queued--;
    });
    this.#tail = result.then(noop, noop);
    return result;
  }
}

function toEvent(message: EventSourceMessage): SSEEvent {
  const event: SSEEvent = { data: message.data };
  if (message.event !== undefined) event.event = message.event;
  if (message.id !== undefined) event.id = message.id;
  return event;
}

/** One `read()`, failing fast on abort or idle timeout and mapping stream errors to typed ones. */
function guardedRead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal?.aborted) return Promise.reject(new APIUserAbortError());
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(new APIUserAbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (idleTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        reject(new APIConnectionTimeoutError(`No stream data received for ${idleTimeoutMs} ms.`));
      }, idleTimeoutMs);
    }
    reader.read().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (error: unknown) => {
        cleanup();
        reject(signal?.aborted ? new APIUserAbortError(undefined, { cause: error }) : streamError(error));
      },
    );
  });
}

function streamError(error: unknown): Error {
  if (error instanceof ChatAgentApiError) return error;
  return new APIConnectionError("Connection error while reading the stream.", { cause: error });
}
