/**
 * A loopback SSE server for streaming tests that writes only what the test writes, when it writes it
 * (through `response()`), and reports when the client hangs up. (startScriptedSseServer, in
 * scripted-sse-server.ts, plays a fixed script on a timer instead.)
 */
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ControlledSseServer {
  url: string;
  /** The response of the current request, once one has arrived. */
  response(): Promise<ServerResponse>;
  /** Resolves when the client closed the connection before the server ended it. */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startControlledSseServer(): Promise<ControlledSseServer> {
  let current: Promise<ServerResponse>;
  let resolveCurrent!: (res: ServerResponse) => void;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  current = new Promise((resolve) => {
    resolveCurrent = resolve;
  });
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    res.on("close", () => {
      if (!res.writableEnded) resolveClosed();
    });
    resolveCurrent(res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    response: () => current,
    clientClosed: () => closed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
