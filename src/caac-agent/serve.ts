// A node:http adapter for any Web-standard handler, with graceful shutdown. The only Node-specific
// part of the agent runtime; the handler itself stays portable.
// node:http is imported when a server starts, not at module load, so that importing the package
// entry (which re-exports serveAgent) stays possible on runtimes without node:http.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
  const server = createServer((req, res) => {
    inFlight++;
    if (closing) res.setHeader("connection", "close");
    dispatch(handler, req, res, host).finally(() => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
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
    if (body.abandoned && !req.complete) {
      // The handler stopped reading (e.g. 413): answer, then drop the connection rather than
      // letting Node drain the rest of the upload.
      res.setHeader("connection", "close");
      res.once("finish", () => req.socket.destroy());
    }
    await writeResponse(response, res);
  } catch {
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }));
    } else {
      res.destroy();
    }
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
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
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
