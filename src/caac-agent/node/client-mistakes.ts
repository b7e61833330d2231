// Requests node:http parses but the Web platform cannot represent: a method `fetch` forbids
// (TRACE, TRACK) and a Host or request target that does not form a URL. Both node:http paths
// answer them here, before anything else, so that they answer alike (405 or 400, never the Web
// bridge's 500 from a `Request` that cannot be built). node:http is only a type import here.
import type { IncomingMessage } from "node:http";
import type { Reply } from "../input.js";
import { PROBLEM_CONTENT_TYPE, problem } from "../spec.js";

const FORBIDDEN_METHODS = new Set(["TRACE", "TRACK"]);

/** The reply to a request that is a client mistake at the protocol level; undefined for any other. */
export function clientMistake(req: IncomingMessage, defaultHost: string): Reply | undefined {
  const method = req.method ?? "GET";
  if (FORBIDDEN_METHODS.has(method)) {
    // The same answer the handler gives any other method but POST.
    return {
      status: 405,
      headers: { allow: "POST", "content-type": PROBLEM_CONTENT_TYPE },
      body: JSON.stringify(problem(405, `Use POST; this endpoint does not answer ${method}.`)),
    };
  }
  if (!URL.canParse(req.url ?? "/", `http://${requestHost(req, defaultHost)}`)) {
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

/** The Host the request names, or the server's own when it names none (HTTP/1.0). */
export function requestHost(req: IncomingMessage, defaultHost: string): string {
  return req.headers.host ?? defaultHost;
}
