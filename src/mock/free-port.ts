import { createServer } from "node:net";

/**
 * A port that was free a moment ago on `host` (Prism cannot listen on port 0). Another process
 * may take it before Prism binds; {@link startPrism} retries with a new port when that happens.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
