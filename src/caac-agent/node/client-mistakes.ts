// Client mistakes at the protocol level, answered by serveAgent itself on both paths alike:
// requests node:http parses but the Web platform cannot represent (a method `fetch` forbids, a
// Host or request target that does not form a URL: 405 or 400, never the Web bridge's 500 from a
// `Request` that cannot be built), and what node:http reports as a client error (not HTTP,
// oversized headers, a request not complete by its timeout). node:http is only a type import here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "../agent.js";
import type { Reply } from "../input.js";
import { PROBLEM_CONTENT_TYPE, problem } from "../spec.js";

/** Where serveAgent logs the requests it rejects itself: the `info` of the handler's Logger. */
export type AccessLog = Pick<Logger, "info">;

const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK"]);

/** The reply to a request that is a client mistake at the protocol level (logged); undefined for any other. */
export function clientMistake(req: IncomingMessage, defaultHost: string, log: AccessLog): Reply | undefined {
  const reply = mistakeReply(req, defaultHost);
  if (reply) {
    log.info?.("caac-agent: rejected the request", {
      status: reply.status,
      reason: reply.status === 405 ? "method" : "target",
      durationMs: 0,
    });
  }
  return reply;
}

function mistakeReply(req: IncomingMessage, defaultHost: string): Reply | undefined {
  const method = req.method ?? "GET";
  if (FORBIDDEN_METHODS.has(method)) {
    // The same answer the handler gives any other method but POST.
    return {
      status: 405,
      headers: { allow: "POST", "content-type": PROBLEM_CONTENT_TYPE },
      body: JSON.stringify(problem(405, `Use POST; this endpoint does not answer ${method}.`)),
    };
  }
  if (!formsUrl(req.url ?? "/", requestHost(req, defaultHost))) {
    return {
      status: 400,
      headers: { "content-type": PROBLEM_CONTENT_TYPE },
      body: JSON.stringify(
        problem(400, "The Host header and request target do not form a URL; send a valid Host and path."),
      ),
    };
  }
  return undefined;
}

/**
 * A request target that is a plain absolute path: a `/` not followed by `/` or `\\` (either would
 * start an authority), with no tab, LF or CR (the URL parser removes those first, which could
 * join two slashes). Against a valid base such a path always parses: the path state has no
 * failure, only percent-encoding. So for it, whether the target and Host form a URL depends on
 * the Host alone.
 */
const PLAIN_PATH = /^\/(?![/\\])[^\t\n\r]*$/;

/**
 * The last Host seen to form a valid base URL. A server sees the same Host on nearly every
 * request, and `URL.canParse` (a full parse in C++, the largest per-request cost of this check in
 * a profile) is a pure function: remembering one positive answer changes no result.
 */
let validHost: string | undefined;

/** `URL.canParse(target, "http://" + host)`, skipping the parse when the answer is already known. */
function formsUrl(target: string, host: string): boolean {
  const plain = PLAIN_PATH.test(target);
  if (plain && host === validHost) return true;
  const valid = URL.canParse(target, `http://${host}`);
  // A plain path that parsed: the base parsed too, so this Host is valid for every plain path.
  if (valid && plain) validHost = host;
  return valid;
}

/** The Host the request names, or the server's own when it names none (HTTP/1.0). */
export function requestHost(req: IncomingMessage, defaultHost: string): string {
  return req.headers.host ?? defaultHost;
}

const CLIENT_ERRORS: Record<string, { status: number; title: string; reason: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: "Request Timeout",
    reason: "timeout",
    detail: "The request (headers and body) did not arrive in time; the connection is closed.",
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    title: "Request Header Fields Too Large",
    reason: "headers_too_large",
    detail: "The request headers are too large.",
  },
};
const MALFORMED = {
  status: 400,
  title: "Bad Request",
  reason: "malformed",
  detail: "The request is not valid HTTP/1.1.",
};

/**
 * node:http's `clientError`: answers with a problem body and `Connection: close`, as node:http
 * would with a bare status line, unless the connection is gone or an answer has begun.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, log: AccessLog): void {
  // node:http keeps the response in progress on the socket; never write a second answer.
  const response = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, title, reason, detail } = CLIENT_ERRORS[error.code ?? ""] ?? MALFORMED;
  log.info?.("caac-agent: rejected the request", { status, reason, detail });
  const body = JSON.stringify(problem(status, detail));
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
