// The parser driver under streamSSE: reads the body, feeds eventsource-parser, and collects each
// read's values into one batch.
import { createParser } from "eventsource-parser";
import { ChatAgentApiError } from "./errors.js";
import type { SSEHandler, SSESource } from "./sse.js";
import { guardedRead } from "./sse-guarded-read.js";

/** {@link streamSSE}'s generator: one `yield` per read (of every value its events gave), not per event. */
export async function* batches<T>(
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
