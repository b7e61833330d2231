// Writing to node:http, for both paths: a reply in one write, and what happens to a connection
// whose upload the handler stopped reading (e.g. 413): the rest is not drained; the connection
// closes once the answer is out. node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply } from "../input.js";

/** Writes the reply in one go: headers, content-length and body in a single socket write. */
export function writeReply(reply: Reply, res: ServerResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = reply.headers;
  headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** Answers a request whose body will not be read, closing the connection if any of it is unread. */
export function rejectUnread(reply: Reply, req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) closeAfterReply(req, res);
  writeReply(reply, res);
}

/** Answer, then drop the connection rather than letting Node drain the rest of the upload. */
export function closeAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => req.socket.destroy());
}
