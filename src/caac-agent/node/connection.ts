// What both node:http paths do to a connection after answering: when the handler stopped reading
// an upload (e.g. 413), the rest is not drained; the connection closes once the answer is out.
// node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Answer, then drop the connection rather than letting Node drain the rest of the upload. */
export function closeAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => req.socket.destroy());
}
