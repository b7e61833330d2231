// The direct path: createAgentHandler's internal entry called with Node's request and response,
// building no Request, URL, Headers, web stream or Response per request. The request's fields and
// its body are read straight from the socket with the byte limit, and the reply is written in one
// go. node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { InputHandler } from "../handler.js";
import type { Reply, RequestInput } from "../input.js";
import { type AccessLog, clientMistake } from "./client-mistakes.js";
import {
  closeAfterReply,
  continueIfAwaited,
  rejectUnread,
  writeInternalError,
  writeReply,
} from "./connection.js";

/**
 * Answers `req` with the handler's internal entry, then calls `done` (once the reply is written,
 * or failed to be); never throws. A callback rather than a promise: the serving loop pays no
 * promise reaction per request.
 */
export function dispatchDirect(
  handle: InputHandler,
  req: IncomingMessage,
  res: ServerResponse,
  defaultHost: string,
  log: AccessLog,
  done: () => void,
): void {
  const mistake = clientMistake(req, defaultHost, log);
  if (mistake) {
    try {
      rejectUnread(mistake, req, res);
    } finally {
      done();
    }
    return;
  }
  const input = new NodeInput(req, res);
  let reply: Reply | Promise<Reply>;
  try {
    reply = handle(input);
  } catch {
    try {
      writeInternalError(res);
    } finally {
      done();
    }
    return;
  }
  if (!(reply instanceof Promise)) {
    finishThen(input, reply, done);
    return;
  }
  reply.then(
    (value) => finishThen(input, value, done),
    () => {
      try {
        writeInternalError(res);
      } finally {
        done();
      }
    },
  );
}

function finishThen(input: NodeInput, reply: Reply, done: () => void): void {
  try {
    finish(input, reply);
  } finally {
    done();
  }
}

function finish(input: NodeInput, reply: Reply): void {
  try {
    if (input.abandoned && !input.req.complete) closeAfterReply(input.req, input.res);
    writeReply(reply, input.res);
  } catch {
    writeInternalError(input.res);
  }
}

const READER = Symbol("caac-agent.bodyReader");
type BodyReader = {
  input: NodeInput;
  maxBytes: number;
  chunks: Buffer[];
  received: number;
  resolve: (bytes: Uint8Array | undefined) => void;
  reject: (error: unknown) => void;
};
type ReadableRequest = IncomingMessage & { [READER]?: BodyReader | undefined };

// Module-level listeners (the reader's state hangs off the request): no closures per request.
function onBodyData(this: ReadableRequest, chunk: Buffer): void {
  const reader = this[READER];
  if (!reader) return;
  reader.received += chunk.length;
  if (reader.received > reader.maxBytes) {
    stopReading(this);
    reader.input.discard();
    reader.resolve(undefined);
    return;
  }
  reader.chunks.push(chunk);
}
function onBodyEnd(this: ReadableRequest): void {
  const reader = this[READER];
  if (!reader) return;
  stopReading(this);
  const { chunks, received } = reader;
  reader.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
}
function onBodyError(this: ReadableRequest, error: Error): void {
  const reader = this[READER];
  if (!reader) return;
  stopReading(this);
  reader.reject(error);
}
function onBodyClose(this: ReadableRequest): void {
  const reader = this[READER];
  if (!reader || this.complete) return;
  stopReading(this);
  reader.reject(new Error("The client closed the connection mid-body."));
}
/**
 * Ends a read. The listeners stay: with no reader they do nothing, and taking four listeners
 * off per request cost more than leaving them on a request that is let go after its answer.
 * (They are put on once per request: see readBody.)
 */
function stopReading(req: ReadableRequest): void {
  req[READER] = undefined;
}
/** The request's fields, and its body read straight from the socket with the byte limit. */
class NodeInput implements RequestInput {
  readonly method: string;
  readonly authorization: string | null;
  readonly contentType: string | null;
  readonly contentLength: string | null;
  /** The handler stopped reading the body before its end. */
  abandoned = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const { headers } = req;
    this.method = req.method ?? "GET";
    this.authorization = headers.authorization ?? null;
    this.contentType = headers["content-type"] ?? null;
    this.contentLength = headers["content-length"] ?? null;
  }

  discard(): void {
    this.abandoned = true;
    this.req.pause();
  }

  readBody(maxBytes: number): Promise<Uint8Array | undefined> {
    continueIfAwaited(this.res);
    const req = this.req as ReadableRequest;
    return new Promise((resolve, reject) => {
      if (req.destroyed && !req.complete) {
        reject(new Error("The client closed the connection mid-body."));
        return;
      }
      const listening = READER in req;
      req[READER] = { input: this, maxBytes, chunks: [], received: 0, resolve, reject };
      if (listening) return;
      req.on("data", onBodyData);
      req.on("end", onBodyEnd);
      req.on("error", onBodyError);
      req.on("close", onBodyClose);
    });
  }

  onAbort(abort: (reason: unknown) => void): () => void {
    const { res } = this;
    // The caller went away before the answer was written: let the agent stop working.
    const onClose = () => {
      if (!res.writableFinished) abort(new DOMException("The client closed the connection.", "AbortError"));
    };
    if (res.destroyed || this.req.socket?.destroyed) {
      onClose();
      return () => {};
    }
    res.once("close", onClose);
    return () => res.off("close", onClose);
  }
}
