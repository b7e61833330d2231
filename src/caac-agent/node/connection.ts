// Writing to node:http, for both paths: a reply in one write, and what happens to a connection
// whose upload the handler stopped reading (e.g. 413): the rest is not drained; the connection
// closes once the answer is out. node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply } from "../input.js";
import { PROBLEM_CONTENT_TYPE, problem } from "../spec.js";

/** Writes the reply in one go: headers, content-length and body in a single socket write. */
export function writeReply(reply: Reply, res: ServerResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = reply.headers;
  headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/**
 * The 500 of either path, used only when the runtime itself failed (the direct path's handler
 * threw, or the Web bridge's handler rejected or its response could not be written): a problem
 * body while nothing was sent yet, else the connection is cut.
 */
export function writeInternalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { "content-type": PROBLEM_CONTENT_TYPE });
  res.end(JSON.stringify(problem(500, "The agent endpoint failed unexpectedly.")));
}

/** Answers a request whose body will not be read, closing the connection if any of it is unread. */
export function rejectUnread(reply: Reply, req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) closeAfterReply(req, res);
  writeReply(reply, res);
}

/** Requests that sent `Expect: 100-continue` and have not been told to go on yet. */
const awaitingContinue = new WeakSet<ServerResponse>();

/**
 * Holds `100 Continue` back until the body is wanted: the checks before the body (method, token,
 * media type, declared length) run first, so a 401, 413 or 415 goes out instead and the client
 * need not send the body at all.
 */
export function deferContinue(res: ServerResponse): void {
  awaitingContinue.add(res);
}

/** Called just before the body is read: sends the deferred `100 Continue`, if any. */
export function continueIfAwaited(res: ServerResponse): void {
  if (awaitingContinue.delete(res) && !res.headersSent && !res.destroyed) res.writeContinue();
}

/** After an early rejection, the longest the rest of an upload is read (and discarded) before the connection is cut. */
export const LINGER_MS = 2_000;
/** After an early rejection, the most bytes of the rest of an upload read (and discarded) before the connection is cut. */
export const LINGER_BYTES = 4 * 1024 * 1024;

/**
 * A lingering close, for a request whose upload the handler stopped reading: answer with
 * `Connection: close`, half-close, then read and discard what the client is still sending until
 * it closes its side, up to {@link LINGER_BYTES} or {@link LINGER_MS}, and only then cut the
 * connection. Cutting at once (what node:http does after `Connection: close`) resets a client
 * still uploading, whose kernel then drops the answer unread: clients that send the whole body
 * before reading (undici's fetch, Python's) saw a reset instead of the 413.
 */
export function closeAfterReply(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => linger(req));
}

function linger(req: IncomingMessage): void {
  const socket = req.socket;
  if (socket.destroyed) return;
  // node:http ends the socket after a `Connection: close` answer and destroys it once the write
  // side is done (`destroySoon`); take that destroy back and linger instead.
  socket.removeListener("finish", socket.destroy);
  let drained = 0;
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  socket.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) cut();
  });
  socket.once("end", cut);
  socket.once("close", () => clearTimeout(timer));
  // node:http discards the rest of the body once it flows; make sure it does.
  req.resume();
}
