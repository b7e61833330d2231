/**
 * Server-sent events from a response body, parsed by eventsource-parser.
 *
 * Each event is yielded as soon as its terminating blank line arrives. Closing
 * the generator (`break`, `return`, a thrown error in the loop) or aborting
 * `signal` cancels the body, which closes the HTTP connection. If no chunk
 * arrives for `idleTimeoutMs`, the stream fails with `APIConnectionTimeoutError`.
 */
import type { EventSourceMessage } from "eventsource-parser";

export type { EventSourceMessage };

import { batches } from "./sse-batches.js";
import { Unbatched } from "./sse-unbatched.js";

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

function toEvent(message: EventSourceMessage): SSEEvent {
  const event: SSEEvent = { data: message.data };
  if (message.event !== undefined) event.event = message.event;
  if (message.id !== undefined) event.id = message.id;
  return event;
}
