// The thin layer in front of each Prism mock (docs/decisions/0008-mock-pages-and-streams.md).
// Prism stays the validator of every request and the author of every response; this layer only
// chooses which documented example Prism serves (pages by cursor or offset), paces an event
// stream event by event, answers a streaming request's `Prefer: code=4xx` with the documented
// JSON error, and tells an observer about each exchange (the ChatAIBot mock's callbacks).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { writePacedEvents } from "./event-stream-pacing.js";
import { exampleForQuery, formatPrefer, parsePrefer } from "./example-choice.js";
import { findRoute, type MockRoute, routesOf } from "./spec-routes.js";

/** Default pause between two events of a mocked stream, in ms. */
export const DEFAULT_STREAM_DELAY_MS = 20;

/**
 * Longest pause between two stream events, in ms, for the option and the header alike: a mock
 * stream slower than a minute tests nothing a shorter one does not, and Node's timers turn any
 * delay over 2^31-1 ms into 1 ms, which would silently remove the pause.
 */
export const MAX_STREAM_DELAY_MS = 60_000;

/** Request header that overrides the pause between stream events for one request, in ms. */
export const STREAM_DELAY_HEADER = "x-mock-stream-delay-ms";

/** Largest request body the layer buffers (Prism's own limit is higher, but a mock needs no more). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** One request the mock answered, as the observer of {@link MockFrontOptions.onExchange} sees it. */
export interface MockExchange {
  operationId: string;
  /** Path parameters of the request. */
  params: Record<string, string>;
  /** The request body parsed as JSON (undefined when empty or not JSON). */
  requestBody: unknown;
  status: number;
  /** The response body parsed as JSON (undefined when empty or not JSON). */
  responseBody: unknown;
}

/** Options of {@link startMockFront}. */
export interface MockFrontOptions {
  /** The API whose spec Prism serves (names errors and finds the spec's routes). */
  api: string;
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Pause between two events of a stream, in ms (default {@link DEFAULT_STREAM_DELAY_MS}). */
  streamDelayMs?: number | undefined;
  /** Called after each answered request that matched an operation of the spec. */
  onExchange?: ((exchange: MockExchange) => void) | undefined;
}

/** A listening front; requests are answered once {@link MockFront.setUpstream} names the Prism. */
export interface MockFront {
  port: number;
  /** Where Prism listens (`http://127.0.0.1:port`). */
  setUpstream(url: string): void;
  /** Stops listening and drops open (e.g. stalled) streams. */
  close(): Promise<void>;
}

/** Binds the front first, so a taken port fails at once and before any Prism starts. */
export async function startMockFront(options: MockFrontOptions): Promise<MockFront> {
  const routes = routesOf(options.api);
  const defaultDelayMs = options.streamDelayMs ?? DEFAULT_STREAM_DELAY_MS;
  const agent = new Agent({ keepAlive: true });
  let upstream: URL | undefined;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) problem(res, 502, `${options.api} mock: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!upstream) return problem(res, 503, `${options.api} mock: Prism is still starting`);
    const url = URL.parse(req.url ?? "/", "http://mock.invalid");
    if (!url) {
      return problem(
        res,
        400,
        `${options.api} mock: the request target ${JSON.stringify(req.url)} is not a valid URL path`,
      );
    }
    const requestBody = await readBody(req);
    if (requestBody === undefined) {
      return problem(res, 413, `${options.api} mock: request body over ${MAX_REQUEST_BYTES} bytes`);
    }
    const delayHeader = req.headers[STREAM_DELAY_HEADER];
    if (
      delayHeader !== undefined &&
      !(/^\d+$/.test(String(delayHeader)) && Number(delayHeader) <= MAX_STREAM_DELAY_MS)
    ) {
      return problem(
        res,
        400,
        `${options.api} mock: ${STREAM_DELAY_HEADER} must be a whole number of ms from 0 to ${MAX_STREAM_DELAY_MS}; got ${JSON.stringify(String(delayHeader))}`,
      );
    }
    const delayMs = delayHeader === undefined ? defaultDelayMs : Number(delayHeader);
    const found = findRoute(routes, req.method ?? "GET", url.pathname);
    const headers = forwardedHeaders(req.headers, found?.route, url.searchParams);
    const answer = await forward(req, headers, requestBody);

    const contentType = String(answer.headers["content-type"] ?? "");
    const prefer = parsePrefer(headers.prefer as string | undefined);
    const responseHeaders = withoutHopByHop(answer.headers);
    if (contentType.startsWith("text/event-stream") && answer.status < 300) {
      delete responseHeaders["content-length"];
      res.writeHead(answer.status, responseHeaders);
      const exampleName = prefer.get("example");
      const stall = Boolean(
        exampleName &&
          found?.route
            .examples(String(answer.status), "text/event-stream")
            .find((e) => e.name === exampleName)?.stall,
      );
      await writePacedEvents(res, answer.body.toString("utf8"), { delayMs, stall });
    } else {
      res.writeHead(answer.status, { ...responseHeaders, "content-length": answer.body.length });
      res.end(answer.body);
    }
    if (found && options.onExchange) {
      options.onExchange({
        operationId: found.route.operationId,
        params: found.params,
        requestBody: parseJson(requestBody),
        status: answer.status,
        responseBody: contentType.includes("json") ? parseJson(answer.body) : undefined,
      });
    }
  }

  function forward(
    req: IncomingMessage,
    headers: OutgoingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const target = upstream as URL;
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...headers, host: target.host, "content-length": body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    setUpstream(url) {
      upstream = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/**
 * The request's headers as Prism gets them: `Prefer: example=<page>` added when an example's
 * `x-mock-match` fits the query, and a streaming request that asks for an error status made to
 * accept JSON, because the spec documents error bodies as JSON only (Prism would otherwise fall
 * back to the 200 stream).
 */
function forwardedHeaders(
  incoming: IncomingHttpHeaders,
  route: MockRoute | undefined,
  query: URLSearchParams,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...incoming };
  delete headers[STREAM_DELAY_HEADER];
  delete headers.connection;
  const prefer = parsePrefer([incoming.prefer ?? []].flat().join(","));
  const page = route ? exampleForQuery(route, query, prefer) : undefined;
  if (page) prefer.set("example", page);
  const code = Number(prefer.get("code"));
  const wantsStream = String(incoming.accept ?? "").includes("text/event-stream");
  if (wantsStream && code >= 300) headers.accept = "application/json";
  if (wantsStream && !(code >= 300) && !prefer.has("example")) {
    // Prism serves the event-stream schema's own `example` before the media type's named ones;
    // the first named example is the documented default, so name it.
    const first = route?.examples(prefer.get("code") ?? "200", "text/event-stream")[0];
    if (first) prefer.set("example", first.name);
  }
  const formatted = formatPrefer(prefer);
  if (formatted) headers.prefer = formatted;
  return headers;
}

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "content-length"];

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name)) kept[name] = value;
  }
  return kept;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function problem(res: ServerResponse, status: number, detail: string): void {
  const body = JSON.stringify({ title: "mock error", status, detail });
  res.writeHead(status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
