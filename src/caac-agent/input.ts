// The request seam: what the handler reads from a request and the reply it gives back, shared by
// the Web `Request` path (adapted here) and serveAgent's direct node:http path (node/). No node:
// imports.
import { readBodyBytes } from "../core/body.js";

/**
 * What the handler needs from a request, whatever carries it: a Web `Request` or, inside
 * serveAgent, Node's `IncomingMessage` directly (no `Request`, `URL` or web stream built).
 * Both paths go through the same checks in the same order, so they answer alike.
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

/** The fields the handler reads from a Web `Request`. */
export class WebInput implements RequestInput {
  readonly method: string;
  readonly authorization: string | null;
  readonly contentType: string | null;
  readonly contentLength: string | null;

  constructor(readonly request: Request) {
    const { headers } = request;
    this.method = request.method;
    this.authorization = headers.get("authorization");
    this.contentType = headers.get("content-type");
    this.contentLength = headers.get("content-length");
  }

  readBody(maxBytes: number): Promise<Uint8Array | undefined> {
    // A declared length within the limit (the handler refused larger ones): read in one call,
    // which lets adapters such as @hono/node-server hand over their buffer without building a
    // web stream. Without a declared length, count the stream as it arrives.
    if (this.contentLength !== null && /^\d+$/.test(this.contentLength.trim())) {
      return readWhole(this.request, maxBytes);
    }
    return readBodyBytes(this.request, maxBytes);
  }

  async discard(): Promise<void> {
    await this.request.body?.cancel().catch(() => {});
  }

  onAbort(abort: (reason: unknown) => void): () => void {
    const { signal } = this.request;
    const listener = () => abort(signal.reason);
    if (signal.aborted) {
      listener();
      return () => {};
    }
    signal.addEventListener("abort", listener, { once: true });
    return () => signal.removeEventListener("abort", listener);
  }
}

// Not an async function (one promise less per request); a synchronous throw still rejects.
function readWhole(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  try {
    return request.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      return bytes.byteLength > maxBytes ? undefined : bytes;
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
