// What the handler reads from a request and the reply it gives back: the seam shared by the Web
// `Request` path (here) and serveAgent's direct node:http path. No node: imports.
import { readBodyBytes } from "./body.js";

/**
 * What the handler needs from a request, whatever carries it: a Web `Request` or, inside
 * {@link serveAgent}, Node's `IncomingMessage` directly (no `Request`, `URL` or web stream built).
 * Internal: both paths go through the same checks in the same order, so they answer alike.
 */
export type RequestInput = {
  method: string;
  authorization: string | null;
  contentType: string | null;
  contentLength: string | null;
  /** Reads the body, stopping (and abandoning the rest) once more than `maxBytes` arrived: then undefined. Rejects if the body cannot be read (e.g. the client went away). */
  readBody(maxBytes: number): Promise<Uint8Array | undefined>;
  /** Abandons the body unread. */
  discard(): void | Promise<void>;
  /** Calls `abort` once the caller goes away (at once if it already has); returns an unsubscribe function. */
  onAbort(abort: (reason: unknown) => void): () => void;
};

/** A reply, ready to write: the body is the JSON text; `headers` includes `content-type`. */
export type Reply = { status: number; headers: Record<string, string>; body: string };

/**
 * The key of the internal entry `(input: RequestInput) => Promise<Reply>` that
 * {@link createAgentHandler}'s function carries (non-enumerable), used by serveAgent on Node.
 */
export const HANDLE_INPUT: unique symbol = Symbol("caac-agent.handleInput");

/** The function {@link createAgentHandler} returns, with its internal entry. */
export type InputHandler = (input: RequestInput) => Reply | Promise<Reply>;

/** The fields the handler reads from a Web `Request`. */
export function fromRequest(request: Request): RequestInput {
  const { headers, signal } = request;
  return {
    method: request.method,
    authorization: headers.get("authorization"),
    contentType: headers.get("content-type"),
    contentLength: headers.get("content-length"),
    readBody: (maxBytes) => readBodyBytes(request, maxBytes),
    discard: () => discard(request),
    onAbort: (abort) => {
      const listener = () => abort(signal.reason);
      if (signal.aborted) {
        listener();
        return () => {};
      }
      signal.addEventListener("abort", listener, { once: true });
      return () => signal.removeEventListener("abort", listener);
    },
  };
}

async function discard(request: Request): Promise<void> {
  await request.body?.cancel().catch(() => {});
}
