// A node:http adapter for any Web-standard handler, with graceful shutdown. The only Node-specific
// part of the agent runtime; the handler itself stays portable.
// node:http is imported when a server starts, not at module load, so that importing the package
// entry (which re-exports serveAgent) stays possible on runtimes without node:http.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HANDLE_INPUT, type InputHandler, type Reply, type RequestInput } from "./handler.js";

/** Options of {@link serveAgent}. */
export type ServeOptions = {
  /** TCP port; 0 picks a free one. Default: 8787. */
  port?: number;
  /** Interface to bind. Default: 127.0.0.1 (use 0.0.0.0 to accept other hosts). */
  host?: string;
  /** Longest wait for in-flight requests on `close()` before connections are cut. Default: 45 s. */
  shutdownTimeoutMs?: number;
};

/** A running server. */
export type AgentServer = {
  /** The node:http server. */
  server: Server;
  /** The base URL, e.g. `http://127.0.0.1:8787/`. */
  url: string;
  /** The bound port. */
  port: number;
  /** Stops accepting, waits for in-flight requests (up to the cap), then resolves. Idempotent. */
  close(): Promise<void>;
};

/** Serves `handler` over node:http; resolves once listening. */
export async function serveAgent(
  handler: (request: Request) => Promise<Response>,
  options: ServeOptions = {},
): Promise<AgentServer> {
  const host = options.host ?? "127.0.0.1";
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 45_000;
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  const { createServer } = await import("node:http");
  // createAgentHandler's handler carries an entry that takes the request's fields directly: no
  // Request, URL, Headers, web stream or Response is built per request. Any other handler goes
  // through the Web bridge.
  const done = () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  };
  const direct = (handler as { [HANDLE_INPUT]?: InputHandler })[HANDLE_INPUT];
  const server = createServer((req, res) => {
    inFlight++;
    if (closing) res.setHeader("connection", "close");
    const pending = direct ? dispatchDirect(direct, req, res) : dispatch(handler, req, res, host);
    if (pending) pending.finally(done);
    else done();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, shutdownTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };

  return { server, url: `http://${urlHost}:${port}/`, port, close };
}

function dispatchDirect(
  handle: InputHandler,
  req: IncomingMessage,
  res: ServerResponse,
): void | Promise<void> {
  const input = new NodeInput(req, res);
  let reply: Reply | Promise<Reply>;
  try {
    reply = handle(input);
  } catch {
    writeInternalError(res);
    return;
  }
  if (!(reply instanceof Promise)) {
    finish(input, reply);
    return;
  }
  return reply.then(
    (value) => finish(input, value),
    () => writeInternalError(res),
  );
}

function finish(input: NodeInput, reply: Reply): void {
  try {
    if (input.abandoned && !input.req.complete) dropAfterReply(input.req, input.res);
    writeReply(reply, input.res);
  } catch {
    writeInternalError(input.res);
  }
}

const READER = Symbol("caac-agent.bodyReader");
type BodyReader = {
  input: NodeInput;
  maxBytes: number;
  chunks: Buffer[];
  received: number;
  resolve: (bytes: Uint8Array | undefined) => void;
  reject: (error: unknown) => void;
};
type ReadableRequest = IncomingMessage & { [READER]?: BodyReader | undefined };

// Module-level listeners (the reader's state hangs off the request): no closures per request.
function onBodyData(this: ReadableRequest, chunk: Buffer): void {
  const reader = this[READER];
  if (!reader) return;
  reader.received += chunk.length;
  if (reader.received > reader.maxBytes) {
    stopReading(this);
    reader.input.discard();
    reader.resolve(undefined);
    return;
  }
  reader.chunks.push(chunk);
}
function onBodyEnd(this: ReadableRequest): void {
  const reader = this[READER];
  if (!reader) return;
  stopReading(this);
  const { chunks, received } = reader;
  reader.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
}
function onBodyError(this: ReadableRequest, error: Error): void {
  const reader = this[READER];
  if (!reader) return;
  stopReading(this);
  reader.reject(error);
}
function onBodyClose(this: ReadableRequest): void {
  const reader = this[READER];
  if (!reader || this.complete) return;
  stopReading(this);
  reader.reject(new Error("The client closed the connection mid-body."));
}
function stopReading(req: ReadableRequest): void {
  req[READER] = undefined;
  req.off("data", onBodyData);
  req.off("end", onBodyEnd);
  req.off("error", onBodyError);
  req.off("close", onBodyClose);
}

/** The request's fields, and its body read straight from the socket with the byte limit. */
class NodeInput implements RequestInput {
  readonly method: string;
  readonly authorization: string | null;
  readonly contentType: string | null;
  readonly contentLength: string | null;
  /** The handler stopped reading the body before its end. */
  abandoned = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const { headers } = req;
    this.method = req.method ?? "GET";
    this.authorization = headers.authorization ?? null;
    this.contentType = headers["content-type"] ?? null;
    this.contentLength = headers["content-length"] ?? null;
  }

  discard(): void {
    this.abandoned = true;
    this.req.pause();
  }

  readBody(maxBytes: number): Promise<Uint8Array | undefined> {
    const req = this.req as ReadableRequest;
    return new Promise((resolve, reject) => {
      if (req.destroyed && !req.complete) {
        reject(new Error("The client closed the connection mid-body."));
        return;
      }
      req[READER] = { input: this, maxBytes, chunks: [], received: 0, resolve, reject };
      req.on("data", onBodyData);
      req.on("end", onBodyEnd);
      req.on("error", onBodyError);
      req.on("close", onBodyClose);
    });
  }

  onAbort(abort: (reason: unknown) => void): () => void {
    const { res } = this;
    // The caller went away before the answer was written: let the agent stop working.
    const onClose = () => {
      if (!res.writableFinished) abort(new DOMException("The client closed the connection.", "AbortError"));
    };
    if (res.destroyed || this.req.socket?.destroyed) {
      onClose();
      return () => {};
    }
    res.once("close", onClose);
    return () => res.off("close", onClose);
  }
}

/** Writes the reply in one go: headers, content-length and body in a single socket write. */
function writeReply(reply: Reply, res: ServerResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = reply.headers;
  headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

function writeInternalError(res: ServerResponse): void {
  if (!res.headersSent) {
    res.writeHead(500, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }));
  } else {
    res.destroy();
  }
}

/**
 * The handler stopped reading (e.g. 413): answer, then drop the connection rather than letting
 * Node drain the rest of the upload.
 */
function dropAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => req.socket.destroy());
}

async function dispatch(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
): Promise<void> {
  const aborted = new AbortController();
  // The caller went away before the answer was written: let the agent stop working.
  res.once("close", () => {
    if (!res.writableFinished)
      aborted.abort(new DOMException("The client closed the connection.", "AbortError"));
  });
  const body = { abandoned: false };
  try {
    const response = await handler(toRequest(req, host, aborted.signal, body));
    if (body.abandoned && !req.complete) dropAfterReply(req, res);
    await writeResponse(response, res);
  } catch {
    writeInternalError(res);
  }
}

function toRequest(
  req: IncomingMessage,
  host: string,
  signal: AbortSignal,
  body: { abandoned: boolean },
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    signal,
    // Streamed, not buffered: the handler counts bytes and can stop reading an oversized body.
    ...(hasBody ? { body: bodyStream(req, body), duplex: "half" } : {}),
  } as RequestInit);
}

// Not Readable.toWeb: cancelling that destroys the socket before the 413 can be written.
function bodyStream(req: IncomingMessage, state: { abandoned: boolean }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (state.abandoned) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!state.abandoned) controller.close();
      });
      req.once("error", (error) => {
        if (!state.abandoned) controller.error(error);
      });
      req.once("close", () => {
        if (!state.abandoned && !req.complete)
          controller.error(new Error("The client closed the connection mid-body."));
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      state.abandoned = true;
      req.pause();
    },
  });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared >= 0 && declared <= 64 * 1024) {
    // A small body of known size: one write, as a plain Node server would do.
    const bytes = new Uint8Array(await response.arrayBuffer());
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  const reader = response.body.getReader();
  for (;;) {
    // The client may have gone away (its agent was aborted and answered anyway): stop writing.
    if (res.destroyed) {
      await reader.cancel().catch(() => {});
      return;
    }
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.once("drain", done);
        res.once("close", done);
      });
    }
  }
  res.end();
}
