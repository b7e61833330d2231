// serveAgent answers createAgentHandler's requests over the direct path (no Request, Response or
// web streams) and any other handler over the Web bridge. These tests hold both to the handler
// called in-process: the same statuses, headers, bodies and log lines for a table of requests,
// over real sockets.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthBody, seedBody, TOKEN } from "../../test-support/caac-requests.js";
import type { Agent } from "../agent.js";
import { createAgentHandler, type Logger } from "../handler.js";
import { type AgentServer, serveAgent } from "./serve.js";

const OTHER_TOKEN = "rotated-token-0a1b2c3d";
const MAX = 2048;

/** Answers by the latest message's text, to exercise every outcome of the agent. */
const agent: Agent = async (conversation, { signal }) => {
  const text = conversation.messages.at(-1)?.text ?? "";
  if (text === "throw") throw new Error("boom");
  if (text === "empty") return "";
  if (text === "object") return { replyText: "as object" };
  if (text === "slow") return new Promise(() => {});
  if (text === "getter")
    return {
      get replyText(): string {
        throw new Error("getter");
      },
    };
  if (text === "async") {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return `late, aborted=${signal.aborted}`;
  }
  return `You said: ${text}`;
};

const withText = (text: string) => ({
  ...seedBody,
  messages: [{ ...(seedBody.messages[0] as object), text }],
});

type Case = {
  name: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Leave out the default bearer token. */
  noAuth?: boolean;
};

const json = JSON.stringify;
const cases: Case[] = [
  { name: "seed", body: json(seedBody) },
  { name: "health check", body: json(healthBody) },
  { name: "sync reply", body: json(withText("hello")) },
  { name: "{ replyText }", body: json(withText("object")) },
  { name: "agent throws", body: json(withText("throw")) },
  { name: "empty reply", body: json(withText("empty")) },
  { name: "reply getter throws", body: json(withText("getter")) },
  { name: "async reply", body: json(withText("async")) },
  { name: "deadline", body: json(withText("slow")) },
  { name: "rotated token", body: json(seedBody), headers: { authorization: `Bearer ${OTHER_TOKEN}` } },
  { name: "lower-case scheme", body: json(seedBody), headers: { authorization: `bearer  ${TOKEN} ` } },
  { name: "wrong token", body: json(seedBody), headers: { authorization: "Bearer wrong" } },
  { name: "token prefix", body: json(seedBody), headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } },
  { name: "token plus suffix", body: json(seedBody), headers: { authorization: `Bearer ${TOKEN}x` } },
  { name: "no scheme", body: json(seedBody), headers: { authorization: TOKEN } },
  { name: "no authorization", body: json(seedBody), noAuth: true },
  { name: "GET", method: "GET" },
  { name: "PUT with body", method: "PUT", body: json(seedBody) },
  { name: "DELETE without auth", method: "DELETE", noAuth: true },
  { name: "text/plain", body: json(seedBody), headers: { "content-type": "text/plain" } },
  { name: "no content type", body: json(seedBody), headers: { "content-type": "" } },
  {
    name: "+json media type",
    body: json(seedBody),
    headers: { "content-type": "application/vnd.caac+json" },
  },
  {
    name: "json with charset",
    body: json(seedBody),
    headers: { "content-type": "Application/JSON; charset=utf-8" },
  },
  { name: "malformed JSON", body: "{not json" },
  { name: "empty body", body: "" },
  {
    name: "BOM before JSON",
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json(seedBody))]),
  },
  {
    name: "invalid UTF-8",
    body: Buffer.concat([
      Buffer.from('{"version":"1.0","x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
  },
  { name: "version 2.0", body: json({ ...seedBody, version: "2.0" }) },
  { name: "schema violation", body: json({ ...seedBody, messages: "nope" }) },
  { name: "array body", body: "[]" },
  {
    name: "exactly the limit",
    body: json({ ...seedBody, prompt: "p".repeat(MAX - json({ ...seedBody, prompt: "" }).length) }),
  },
  {
    name: "one byte over the limit",
    body: json({ ...seedBody, prompt: "p".repeat(MAX + 1 - json({ ...seedBody, prompt: "" }).length) }),
  },
  { name: "large declared length, no auth", body: "x".repeat(MAX * 2), noAuth: true },
];

type Answer = {
  status: number;
  contentType: string | null;
  allow: string | null;
  auth: string | null;
  body: string;
};

/** Where a handler's log lines go; each test empties it before use. */
type Sink = { lines: string[] };

function makeHandler(logs: Sink) {
  const logger: Logger = {
    error: (message) => logs.lines.push(`error: ${message}`),
    warn: (message) => logs.lines.push(`warn: ${message}`),
    // The access log, without its duration (which differs between paths).
    info: (message, details) => logs.lines.push(`info: ${message} ${details?.status} ${details?.reason}`),
  };
  return createAgentHandler({
    tokens: [TOKEN, OTHER_TOKEN],
    agent,
    logger,
    maxBodyBytes: MAX,
    deadlineMs: 150,
  });
}

function headersOf(c: Case): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!c.noAuth) headers.authorization = `Bearer ${TOKEN}`;
  for (const [name, value] of Object.entries(c.headers ?? {})) {
    if (value === "") delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

async function viaRequest(handler: (r: Request) => Promise<Response>, c: Case): Promise<Answer> {
  const method = c.method ?? "POST";
  const body = c.body === undefined ? undefined : new Uint8Array(Buffer.from(c.body));
  const response = await handler(
    new Request("http://agent.test/", { method, headers: headersOf(c), ...(body ? { body } : {}) }),
  );
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    allow: response.headers.get("allow"),
    auth: response.headers.get("www-authenticate"),
    body: await response.text(),
  };
}

/** A request a Web `Request` cannot represent, so only the two node:http paths are compared. */
type WireCase = Case & { path?: string; expected: number };

const wireCases: WireCase[] = [
  { name: "TRACE", method: "TRACE", expected: 405 },
  // node:http's parser does not know TRACK: it answers 400 itself, before either path runs.
  { name: "TRACK", method: "TRACK", expected: 400 },
  { name: "TRACE with a body, no token", method: "TRACE", body: json(seedBody), noAuth: true, expected: 405 },
  { name: "unparseable Host", headers: { host: "[" }, body: json(seedBody), expected: 400 },
  {
    name: "Host with a port out of range",
    headers: { host: "a:99999" },
    body: json(seedBody),
    expected: 400,
  },
  {
    name: "Host an invalid IPv4 address",
    headers: { host: "1.2.3.999" },
    body: json(seedBody),
    expected: 400,
  },
  { name: "unparseable target", path: "//[", body: json(seedBody), expected: 400 },
  // After the valid Host of the cases before it: a backslash starts an authority as `//` does.
  { name: "unparseable target after a backslash", path: "/\\[", body: json(seedBody), expected: 400 },
  { name: "absolute-form target", path: "http://agent.test/caac", body: json(seedBody), expected: 200 },
  { name: "asterisk target", path: "*", body: json(seedBody), expected: 200 },
];

function viaHttp(
  server: AgentServer,
  c: Case & { path?: string },
): Promise<Answer & { contentLength: string | null }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const body = c.body === undefined ? undefined : Buffer.from(c.body);
    const headers: Record<string, string> = headersOf(c);
    if (body) headers["content-length"] = String(body.length);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: c.method ?? "POST", headers, path: c.path ?? "/" },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const header = (name: string) => {
            const value = res.headers[name];
            return typeof value === "string" ? value : null;
          };
          resolve({
            status: res.statusCode ?? 0,
            contentType: header("content-type"),
            allow: header("allow"),
            auth: header("www-authenticate"),
            contentLength: header("content-length"),
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("serveAgent's two paths", () => {
  const logs = { inProcess: { lines: [] }, direct: { lines: [] }, web: { lines: [] } } satisfies Record<
    string,
    Sink
  >;
  let direct: AgentServer;
  let web: AgentServer;
  beforeAll(async () => {
    direct = await serveAgent(makeHandler(logs.direct), { port: 0 });
    const bridged = makeHandler(logs.web);
    // A plain wrapper carries no direct entry: serveAgent goes through Request/Response.
    web = await serveAgent((request) => bridged(request), { port: 0 });
  });
  afterAll(async () => {
    await Promise.all([direct.close(), web.close()]);
  });

  it.each(cases)("answer $name as the handler does in-process, and log the same lines", async (c) => {
    for (const sink of Object.values(logs)) sink.lines = [];
    const inProcess = await viaRequest(makeHandler(logs.inProcess), c);
    const { contentLength, ...overDirect } = await viaHttp(direct, c);
    const { contentLength: _webLength, ...overWeb } = await viaHttp(web, c);
    expect(overDirect).toEqual(inProcess);
    expect(overWeb).toEqual(inProcess);
    expect(Number(contentLength)).toBe(Buffer.byteLength(overDirect.body));
    expect(inProcess.status).toBeLessThan(500);
    const sorted = (sink: Sink) => [...sink.lines].sort();
    expect(sorted(logs.direct)).toEqual(sorted(logs.inProcess));
    expect(sorted(logs.web)).toEqual(sorted(logs.inProcess));
    expect(logs.inProcess.lines.join("\n")).not.toContain("the handler failed");
  });

  it.each(wireCases)("answer $name alike, with $expected, on both paths", async (c) => {
    for (const sink of Object.values(logs)) sink.lines = [];
    const { contentLength, ...overDirect } = await viaHttp(direct, c);
    const { contentLength: _webLength, ...overWeb } = await viaHttp(web, c);
    expect(overDirect.status).toBe(c.expected);
    expect(overWeb).toEqual(overDirect);
    expect(Number(contentLength)).toBe(Buffer.byteLength(overDirect.body));
    if (c.expected === 405) expect(overDirect.allow).toBe("POST");
    expect(logs.web.lines.sort()).toEqual(logs.direct.lines.sort());
  });
});

describe("a client that goes away mid-body", () => {
  it("is a warning, not 'the handler failed', over node:http", async () => {
    const logs: Sink = { lines: [] };
    const server = await serveAgent(makeHandler(logs), { port: 0 });
    try {
      const url = new URL(server.url);
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: url.hostname,
          port: url.port,
          method: "POST",
          headers: { ...headersOf({ name: "" }), "content-length": "1000" },
        });
        req.on("error", () => resolve());
        req.write('{"version":', () => setTimeout(() => req.destroy(), 20));
        req.on("close", () => resolve());
      });
      for (let i = 0; i < 100 && logs.lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(logs.lines).toEqual([
        "warn: caac-agent: the request body could not be read (the client closed the connection?)",
      ]);
    } finally {
      await server.close();
    }
  });

  it("is a warning and a 400 for a Web request whose body stream fails", async () => {
    const logs: Sink = { lines: [] };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"version":'));
        controller.error(new Error("aborted"));
      },
    });
    const response = await makeHandler(logs)(
      new Request("http://agent.test/", {
        method: "POST",
        headers: headersOf({ name: "" }),
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(400);
    expect(logs.lines).toEqual([
      "warn: caac-agent: the request body could not be read (the client closed the connection?)",
    ]);
  });
});
