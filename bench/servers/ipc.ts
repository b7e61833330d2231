/** The child side of `lib/child.ts`: announce the port, answer RSS and GC queries, exit on request. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gcStats, resetGcStats } from "./gc-stats.js";

/** Tells the parent which port `server` listens on and serves its IPC requests. */
export function announce(server: Server, close: () => Promise<void> = () => closeServer(server)): void {
  const { port } = server.address() as AddressInfo;
  process.on("message", (message: { type: string }) => {
    if (message.type === "rss") process.send?.({ type: "rss", rss: process.memoryUsage().rss });
    if (message.type === "gc-reset") resetGcStats();
    if (message.type === "gc") process.send?.({ type: "gc", gc: gcStats() });
    if (message.type === "exit") {
      void close().finally(() => process.exit(0));
    }
  });
  // Never outlive the parent (e.g. a crashed benchmark run).
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "listening", port });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
