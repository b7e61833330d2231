// serveAgent: a node:http server for createAgentHandler's handler (over the direct path) or any
// Web-standard handler (over the Web bridge), with graceful shutdown. node/ is the only
// Node-specific part of the agent runtime; the handler itself stays portable.
// node:http is imported when a server starts, not at module load, so that importing the package
// entry (which re-exports serveAgent) stays possible on runtimes without node:http.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_DEADLINE_MS, HANDLE_INPUT, type InputHandler } from "../handler.js";
import { type AccessLog, answerClientError } from "./client-mistakes.js";
import { deferContinue } from "./connection.js";
import { dispatchDirect } from "./direct-path.js";
import { dispatchWeb } from "./web-bridge.js";

/** Options of {@link serveAgent}. */
export type ServeOptions = {
  /** TCP port; 0 picks a free one. Default: 8787. */
  port?: number;
  /** Interface to bind. Default: 127.0.0.1 (use 0.0.0.0 to accept other hosts). */
  host?: string;
  /** Longest wait for in-flight requests on `close()` before connections are cut. Default: 45 s. */
  shutdownTimeoutMs?: number;
  /** Longest wait for a request's headers; then 408 and close. Default: 10 s. */
  headersTimeoutMs?: number;
  /**
   * Longest wait for a whole request (headers and body); then 408 and close, and what was read of
   * the body is let go. Default: the handler's deadline (createAgentHandler's, 40 s by default;
   * 40 s for any other handler), so that no upload outlives the time CAAC waits.
   */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open after an answer. Default: 5 s. */
  keepAliveTimeoutMs?: number;
  /**
   * Most simultaneous connections; more are closed as they arrive. With `maxBodyBytes`, it bounds
   * the memory stalled uploads can hold (512 × 1 MiB by default). Default: 512.
   */
  maxConnections?: number;
  /**
   * The access log of the requests serveAgent rejects itself (protocol mistakes, timeouts,
   * malformed HTTP), in the handler's `info` format. Default: none.
   */
  logger?: AccessLog;
};

/** The default headers timeout: 10 s. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The default keep-alive timeout: 5 s (node:http's own). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** The default connection cap: 512. */
export const DEFAULT_MAX_CONNECTIONS = 512;

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
  const log: AccessLog = options.logger ?? {};
  // createAgentHandler's handler carries an entry that takes the request's fields directly: no
  // Request, URL, Headers, web stream or Response is built per request. Any other handler goes
  // through the Web bridge.
  const direct = (handler as { [HANDLE_INPUT]?: InputHandler })[HANDLE_INPUT];
  const requestTimeoutMs = options.requestTimeoutMs ?? Math.ceil(direct?.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const limits = {
    // node:http requires the headers timeout not to exceed the request timeout.
    headersTimeoutMs: options.headersTimeoutMs ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs),
    requestTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new TypeError(`serveAgent: ${name} must be a positive integer, got ${value}.`);
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new TypeError(
      `serveAgent: headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs}).`,
    );
  }
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  const { createServer } = await import("node:http");
  const done = () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    if (closing) res.setHeader("connection", "close");
    if (direct) dispatchDirect(direct, req, res, host, log, done);
    else dispatchWeb(handler, req, res, host, log).finally(done);
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // node:http checks both timeouts on this interval (30 s by default): check often enough
      // that a stalled request is answered close to its timeout, not up to 30 s later.
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(limits.headersTimeoutMs / 4))),
    },
    answer,
  );
  server.maxConnections = limits.maxConnections;
  server.on("clientError", (error, socket) => answerClientError(error, socket, log));
  // `Expect: 100-continue`: the checks before the body run first; `100 Continue` goes out only
  // when the body is read, so a 401, 413 or 415 reaches the client before it sends the body.
  server.on("checkContinue", (req, res) => {
    deferContinue(res);
    answer(req, res);
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
