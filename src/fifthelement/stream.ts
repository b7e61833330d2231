/**
 * Fifth Element's SSE protocol: each event's data is `{"chunk": "..."}`, and `[DONE]` ends the
 * reply. A stream that ends without `[DONE]` was cut off, so it fails rather than pass as complete.
 */
import { ChatAgentApiError, type ParseSSEOptions, parseSSE } from "../core/index.js";

/** The stream broke Fifth Element's event protocol (bad JSON, no `chunk`, or no `[DONE]`). */
export class MalformedStreamError extends ChatAgentApiError {
  override name = "MalformedStreamError";
}

export const STREAM_DONE = "[DONE]";

/** Yields the text of each chunk event as it arrives, until `[DONE]`. */
export async function* readChatStream(
  body: ReadableStream<Uint8Array>,
  options: ParseSSEOptions = {},
): AsyncGenerator<string, void, undefined> {
  let index = 0;
  for await (const event of parseSSE(body, options)) {
    if (event.data === STREAM_DONE) return;
    yield chunkText(event.data, index++);
  }
  throw new MalformedStreamError(`The stream ended after ${index} chunks without "data: ${STREAM_DONE}".`);
}

function chunkText(data: string, index: number): string {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    throw new MalformedStreamError(`Stream event ${index}: data is not JSON: ${preview(data)}`);
  }
  if (payload !== null && typeof payload === "object") {
    const { chunk, error } = payload as { chunk?: unknown; error?: { name?: unknown; message?: unknown } };
    if (typeof chunk === "string") return chunk;
    // An error sent in-band after the 200 (same envelope as error responses).
    if (error && typeof error === "object") {
      throw new MalformedStreamError(
        `Stream event ${index}: ${String(error.name)}: ${String(error.message)}`,
      );
    }
  }
  throw new MalformedStreamError(`Stream event ${index}: expected {"chunk": string}, got ${preview(data)}`);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
