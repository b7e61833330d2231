/**
 * Fifth Element's SSE protocol: each event's data is `{"chunk": "..."}`, and `[DONE]` ends the
 * reply. A stream that ends without `[DONE]` was cut off, so it fails rather than pass as complete.
 */
import {
  MalformedStreamError,
  type ParseSSEOptions,
  redactSecrets,
  type SSESource,
  streamSSE,
} from "../core/index.js";

/** The stream broke Fifth Element's event protocol (bad JSON, no `chunk`, or no `[DONE]`); also exported from the package root. */
export { MalformedStreamError };

export const STREAM_DONE = "[DONE]";

/** Yields the text of each chunk event as it arrives, until `[DONE]`. */
export function readChatStream(
  body: ReadableStream<Uint8Array>,
  options: ParseSSEOptions = {},
): AsyncGenerator<string, void, undefined> {
  return chatChunks(() => ({ body, options }));
}

/**
 * {@link readChatStream} over a body that `open` provides on the first `next()` (e.g. by sending the
 * request), so that a client's `chatStream` is this one generator: each event is parsed and checked
 * inside the SSE parser's callback, and only its text crosses an async boundary.
 */
export function chatChunks(
  open: () => SSESource | Promise<SSESource>,
): AsyncGenerator<string, void, undefined> {
  let index = 0;
  // The secrets the errors must not quote; known once `open` has given the body and its options.
  let secrets: readonly string[] = [];
  const opened = async () => {
    const source = await open();
    secrets = source.options?.secrets ?? [];
    return source;
  };
  return streamSSE<string>(
    opened,
    (message, out) => {
      const { data } = message;
      if (data === STREAM_DONE) return true;
      out.push(fastChunk(data) ?? chunkText(data, index, secrets));
      index++;
      return undefined;
    },
    () => {
      throw new MalformedStreamError(
        `The stream ended after ${index} chunks without "data: ${STREAM_DONE}".`,
      );
    },
  );
}

/**
 * Fails with `MalformedStreamError` naming the content type when a stream request was answered with
 * something else (a JSON reply, an HTML error page), instead of a later "ended after 0 chunks".
 */
export function requireEventStream(response: Response, secrets: readonly string[] = []): void {
  const type = response.headers.get("content-type") ?? "";
  if (/^\s*text\/event-stream\s*(;|$)/i.test(type)) return;
  response.body?.cancel().catch(() => {});
  const got = type === "" ? "no content type" : JSON.stringify(redactSecrets(type, secrets).slice(0, 100));
  throw new MalformedStreamError(
    `Expected a text/event-stream answer to the stream request, got ${got} (status ${response.status}).`,
  );
}

const CHUNK_PREFIX = '{"chunk":"';
/** Longest data taking the fast path: beyond about this, native `JSON.parse` is faster than the check. */
const FAST_MAX = 96;
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are invalid JSON, so JSON.parse must judge them
const NEEDS_JSON = /["\\\x00-\x1f]/;

/**
 * The text of a token-sized `{"chunk":"…"}` whose string has no escapes (no `"`, `\\` or control
 * character): exactly what `JSON.parse` would give, without building an object. Else `chunkText`.
 */
function fastChunk(data: string): string | undefined {
  const end = data.length - 2;
  if (end > FAST_MAX || end < CHUNK_PREFIX.length) return undefined;
  if (data.charCodeAt(end) !== 0x22 || data.charCodeAt(end + 1) !== 0x7d || !data.startsWith(CHUNK_PREFIX)) {
    return undefined;
  }
  const text = data.slice(CHUNK_PREFIX.length, end);
  return NEEDS_JSON.test(text) ? undefined : text;
}

function chunkText(data: string, index: number, secrets: readonly string[]): string {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    throw new MalformedStreamError(`Stream event ${index}: data is not JSON: ${preview(data, secrets)}`);
  }
  if (payload !== null && typeof payload === "object") {
    const { chunk, error } = payload as { chunk?: unknown; error?: { name?: unknown; message?: unknown } };
    if (typeof chunk === "string") return chunk;
    // An error sent in-band after the 200 (same envelope as error responses).
    if (error && typeof error === "object") {
      throw new MalformedStreamError(
        redactSecrets(`Stream event ${index}: ${String(error.name)}: ${String(error.message)}`, secrets),
      );
    }
  }
  throw new MalformedStreamError(
    `Stream event ${index}: expected {"chunk": string}, got ${preview(data, secrets)}`,
  );
}

/** The start of an event for an error message: secrets redacted first, so no prefix of one survives the cut. */
function preview(text: string, secrets: readonly string[]): string {
  const redacted = redactSecrets(text, secrets);
  return JSON.stringify(redacted.length > 120 ? `${redacted.slice(0, 120)}…` : redacted);
}
