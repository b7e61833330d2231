// Writing answers to node:http's ServerResponse: the handler's Reply, a Web Response, a bare 500,
// and dropping the connection after answering. node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply } from "./request-input.js";

/** Writes the reply in one go: headers, content-length and body in a single socket write. */
export function writeReply(reply: Reply, res: ServerResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = reply.headers;
  headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

export function writeInternalError(res: ServerResponse): void {
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
export function dropAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => req.socket.destroy());
}

export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
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
