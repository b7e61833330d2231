/** Real node:http servers on 127.0.0.1 for tests, each closed (connections included) after its test. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Call at the top of a test file; returns `serve(handler)` → the server's base URL. */
export function useLoopbackServers(): (handler: Handler) => Promise<string> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async (handler) => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
