// A loopback stand-in for Fifth Element's Chat API that any consumer can reach, browsers included:
// it answers CORS preflights, replies with JSON, streams SSE chunks over time (not in one write,
// so a client that only works on a buffered body fails), and sends the vendor's 404 envelope.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the consumers are expected to get back. */
export const VENDOR_REPLY = "We open at 9.";
export const VENDOR_CHUNKS = ["We ", "open ", "at 9."];
export const MISSING_AGENT_MESSAGE = "Agent with slug 'missing' not found";

export interface VendorServer {
  url: string;
  /** Each request's method, path and Authorization header, in arrival order (preflights too). */
  requests: { method: string; path: string; authorization: string | undefined; origin: string | undefined }[];
  close(): Promise<void>;
}

export async function startVendorServer(): Promise<VendorServer> {
  const requests: VendorServer["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
      origin: req.headers.origin,
    });
    allowCrossOrigin(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    void answer(req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function allowCrossOrigin(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
  res.setHeader("access-control-allow-methods", "POST, OPTIONS");
  // Whatever the client asks to send (Authorization, Content-Type, …): this is the vendor's side.
  res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
  res.setHeader("vary", "origin");
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  const body = JSON.parse(raw || "{}") as { stream?: boolean };
  if (req.url !== "/chat/support") {
    const envelope = {
      data: null,
      error: { name: "NotFoundError", message: MISSING_AGENT_MESSAGE, details: {} },
    };
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(envelope));
    return;
  }
  if (!body.stream) {
    const data = {
      response: VENDOR_REPLY,
      conversationId: "conv_1",
      metadata: { model: "gpt-4", tokens: 3 },
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data, error: null }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
  for (const chunk of VENDOR_CHUNKS) {
    res.write(`data: ${JSON.stringify({ chunk })}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  res.end("data: [DONE]\n\n");
}
