// The Web bridge: any Web-standard handler served over node:http, with the request turned into a
// `Request` (body streamed, not buffered) and the `Response` written back.
import type { IncomingMessage, ServerResponse } from "node:http";
import { dropAfterReply, writeInternalError, writeResponse } from "./node-response.js";

export async function dispatch(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
): Promise<void> {
  const aborted = new AbortController();
  // The caller went away before the answer was written: let the agent stop working.
  res.once("close", () => {
    if (!res.writableFinished)
      aborted.abort(new DOMException("The client closed the connection.", "AbortError"));
  });
  const body = { abandoned: false };
  try {
    const response = await handler(toRequest(req, host, aborted.signal, body));
    if (body.abandoned && !req.complete) dropAfterReply(req, res);
    await writeResponse(response, res);
  } catch {
    writeInternalError(res);
  }
}

function toRequest(
  req: IncomingMessage,
  host: string,
  signal: AbortSignal,
  body: { abandoned: boolean },
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    signal,
    // Streamed, not buffered: the handler counts bytes and can stop reading an oversized body.
    ...(hasBody ? { body: bodyStream(req, body), duplex: "half" } : {}),
  } as RequestInit);
}

// Not Readable.toWeb: cancelling that destroys the socket before the 413 can be written.
function bodyStream(req: IncomingMessage, state: { abandoned: boolean }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (state.abandoned) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!state.abandoned) controller.close();
      });
      req.once("error", (error) => {
        if (!state.abandoned) controller.error(error);
      });
      req.once("close", () => {
        if (!state.abandoned && !req.complete)
          controller.error(new Error("The client closed the connection mid-body."));
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      state.abandoned = true;
      req.pause();
    },
  });
}
