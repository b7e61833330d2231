// A local text/event-stream server that plays a script (Prism serves an SSE example all at once, so
// streaming is checked against this): it writes a body in pieces with a delay between them, and
// keeps each request it received so a test can check the client's side of the contract too.
// (startControlledSseServer, in controlled-sse-server.ts, writes only when the test tells it to.)
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedSseServer = {
  url: string;
  /** Request bodies received, parsed as JSON. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: unknown }>;
  /** When each piece was written (ms since the response started). */
  writtenAt: number[];
  close(): Promise<void>;
};

export type ScriptedSseServerOptions = {
  /** The pieces of the body, written in order. */
  pieces: string[];
  /** Pause before each piece, in ms. */
  delayMs: number;
  /**
   * Awaited before each piece instead of the delay, when given: lets a test write the next piece only
   * after the client has handed the previous one on (a causal check that needs no clock).
   */
  beforePiece?: (index: number) => Promise<void>;
};

export async function startScriptedSseServer(options: ScriptedSseServerOptions): Promise<ScriptedSseServer> {
  const requests: ScriptedSseServer["requests"] = [];
  const writtenAt: number[] = [];
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text; the test's request check reports it.
    }
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const started = Date.now();
    for (const [index, piece] of options.pieces.entries()) {
      await (options.beforePiece?.(index) ?? new Promise((resolve) => setTimeout(resolve, options.delayMs)));
      if (res.destroyed) return;
      res.write(piece);
      writtenAt.push(Date.now() - started);
    }
    res.end();
  });
  // Bounded: a client that never reads cannot hold the test up.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writtenAt,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
