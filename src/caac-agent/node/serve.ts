// serveAgent: a node:http server for createAgentHandler's handler (over the direct path) or any
// Web-standard handler (over the Web bridge), with graceful shutdown. node/ is the only
// Node-specific part of the agent runtime; the handler itself stays portable.
// node:http is imported when a server starts, not at module load, so that importing the package
// entry (which re-exports serveAgent) stays possible on runtimes without node:http.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HANDLE_INPUT, type InputHandler } from "../handler.js";
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
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    if (closing) res.setHeader("connection", "close");
    const pending = direct ? dispatchDirect(direct, req, res, host) : dispatchWeb(handler, req, res, host);
    if (pending) pending.finally(done);
    else done();
  };
  const server = createServer(answer);
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
