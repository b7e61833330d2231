/**
 * Server-sent events from a response body, parsed by eventsource-parser.
 *
 * Each event is yielded as soon as its terminating blank line arrives. Closing
 * the generator (`break`, `return`, a thrown error in the loop) or aborting
 * `signal` cancels the body, which closes the HTTP connection. If no chunk
 * arrives for `idleTimeoutMs`, the stream fails with `APIConnectionTimeoutError`.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ChatAgentApiError,
} from "./errors.js";
import { scrubError } from "./redaction.js";
import { LineEndingNormaliser } from "./sse-line-endings.js";
import { Unbatched } from "./sse-unbatched.js";

export type { EventSourceMessage };

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
  /** Who sends the stream, for errors ("Fifth Element AI at acme.example:443"); see `describeTarget`. */
  source?: string | undefined;
  /** Secret strings scrubbed from every error the stream fails with (a client passes `runtime.secrets`). */
  secrets?: readonly string[] | undefined;
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

function toEvent(message: EventSourceMessage): SSEEvent {
  const event: SSEEvent = { data: message.data };
  if (message.event !== undefined) event.event = message.event;
  if (message.id !== undefined) event.id = message.id;
  return event;
}

/**
 * {@link streamSSE}'s parser driver: reads the body (with the guards), feeds eventsource-parser, and
 * yields once per read (every value that read's events gave), not once per event.
 */
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
  const lineEndings = new LineEndingNormaliser();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await guardedRead(reader, signal, idleTimeoutMs, options.source);
      const text = done ? decoder.decode() : decoder.decode(value, STREAM);
      if (done) finished = true;
      parser.feed(lineEndings.normalise(text));
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
  } catch (error) {
    throw options.secrets ? scrubError(error, options.secrets) : error;
  } finally {
    // Not awaited: when the body is one branch of a tee (a custom fetch that cloned the response,
    // e.g. to log it), cancel() settles only once every branch is cancelled, which would hang here.
    if (!finished) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

const STREAM: TextDecodeOptions = { stream: true };

/** One `read()`, failing fast on abort or idle timeout and mapping stream errors to typed ones. */
function guardedRead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number | undefined,
  source: string | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const from = source ? ` from ${source}` : "";
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
        reject(new APIConnectionTimeoutError(`No stream data received${from} for ${idleTimeoutMs} ms.`));
      }, idleTimeoutMs);
    }
    reader.read().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (error: unknown) => {
        cleanup();
        reject(
          signal?.aborted ? new APIUserAbortError(undefined, { cause: error }) : streamError(error, from),
        );
      },
    );
  });
}

function streamError(error: unknown, from: string): Error {
  if (error instanceof ChatAgentApiError) return error;
  return new APIConnectionError(`Connection error while reading the stream${from}.`, { cause: error });
}
