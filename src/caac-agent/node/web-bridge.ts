// The Web bridge: any Web-standard handler (createAgentHandler's wrapped in middleware, say)
// served over node:http, with the request turned into a `Request` (body streamed, not buffered)
// and the `Response` written back. node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AccessLog, clientMistake, requestHost } from "./client-mistakes.js";
import { closeAfterReply, continueIfAwaited, rejectUnread, writeInternalError } from "./connection.js";

/** Answers `req` with `handler`; never throws or rejects. */
export async function dispatchWeb(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  defaultHost: string,
  log: AccessLog,
): Promise<void> {
  const mistake = clientMistake(req, defaultHost, log);
  if (mistake) {
    rejectUnread(mistake, req, res);
    return;
  }
  const aborted = new AbortController();
  // The caller went away before the answer was written: let the agent stop working.
  res.once("close", () => {
    if (!res.writableFinished)
      aborted.abort(new DOMException("The client closed the connection.", "AbortError"));
  });
  const body = { abandoned: false };
  try {
    const response = await handler(toRequest(req, res, defaultHost, aborted.signal, body));
    if (body.abandoned && !req.complete) closeAfterReply(req, res);
    await writeResponse(response, res);
  } catch {
    writeInternalError(res);
  }
}

function toRequest(
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
  signal: AbortSignal,
  body: { abandoned: boolean },
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = new URL(req.url ?? "/", `http://${requestHost(req, host)}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    signal,
    // Streamed, not buffered: the handler counts bytes and can stop reading an oversized body.
    ...(hasBody ? { body: bodyStream(req, res, body), duplex: "half" } : {}),
  } as RequestInit);
}

// Not Readable.toWeb: cancelling that destroys the socket before the 413 can be written.
function bodyStream(
  req: IncomingMessage,
  res: ServerResponse,
  state: { abandoned: boolean },
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
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
        // The handler wants the body: only now may a client that asked for it send it.
        continueIfAwaited(res);
        req.resume();
      },
      cancel() {
        state.abandoned = true;
        req.pause();
      },
      // No chunk is asked for before the handler reads: pull (and `100 Continue`) wait for it.
    },
    { highWaterMark: 0 },
  );
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
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
