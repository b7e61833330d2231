import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { seedBody, TOKEN } from "../../test-support/caac-requests.js";
import { createAgentHandler } from "../handler.js";
import { type AgentServer, serveAgent } from "./serve.js";

let server: AgentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe("serveAgent", () => {
  it("serves a Web handler over node:http on any path", async () => {
    server = await serveAgent(createAgentHandler({ token: TOKEN, agent: () => "hi" }), { port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(`${server.url}any/path`, {
      method: "POST",
      headers,
      body: JSON.stringify(seedBody),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply_text: "hi" });
  });

  it("answers 413 to an oversized streamed upload and drops the connection instead of reading it", async () => {
    server = await serveAgent(createAgentHandler({ token: TOKEN, agent: () => "hi", maxBodyBytes: 1024 }), {
      port: 0,
    });
    const url = new URL(server.url);
    const result = await new Promise<{ status: number; written: number }>((resolve, reject) => {
      // Chunked, no Content-Length: the limit must be found while streaming.
      const req = httpRequest({ host: url.hostname, port: url.port, method: "POST", headers });
      let written = 0;
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (written < 64 * 1024 * 1024 && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      req.on("response", (res) => {
        res.resume();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, written });
      });
      req.on("error", (error) => (written > 0 ? resolve({ status: -1, written }) : reject(error)));
      pump();
    });
    expect(result.status).toBe(413);
    expect(result.written).toBeLessThan(64 * 1024 * 1024);
  });

  it("gets the 413 to a client that sends the whole large body first (undici's fetch), 10 of 10", async () => {
    server = await serveAgent(createAgentHandler({ token: TOKEN, agent: () => "hi", maxBodyBytes: 1024 }), {
      port: 0,
    });
    const body = new Uint8Array(4 * 1024 * 1024).fill(0x20);
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 10; i++) {
      const status = await fetch(server.url, { method: "POST", headers, body }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        (error: unknown) => String((error as Error).cause ?? error),
      );
      statuses.push(status);
    }
    expect(statuses).toEqual(Array(10).fill(413));
  }, 30_000);

  it.each(["direct", "web"])("answers 401, 415 and 413 before 100 Continue on the %s path", async (path) => {
    const handler = createAgentHandler({ token: TOKEN, agent: () => "hi" });
    server = await serveAgent(path === "web" ? (request) => handler(request) : handler, { port: 0 });
    const url = new URL(server.url);
    const expectContinue = (extra: Record<string, string>) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = httpRequest({
          host: url.hostname,
          port: url.port,
          method: "POST",
          headers: { ...headers, expect: "100-continue", "content-length": "600", ...extra },
        });
        req.on("continue", () => {
          continued = true;
          req.end(JSON.stringify(seedBody).padEnd(600, " "));
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, continued }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    expect(await expectContinue({ authorization: "Bearer wrong-token-000000" })).toEqual({
      status: 401,
      continued: false,
    });
    expect(await expectContinue({ "content-type": "text/plain" })).toEqual({ status: 415, continued: false });
    expect(await expectContinue({ "content-length": "2000000" })).toEqual({ status: 413, continued: false });
    expect(await expectContinue({})).toEqual({ status: 200, continued: true });
  });

  it("waits for in-flight requests on close, and refuses new connections", async () => {
    let release: (() => void) | undefined;
    const handler = createAgentHandler({
      token: TOKEN,
      agent: () =>
        new Promise<string>((resolve) => {
          release = () => resolve("finished");
        }),
    });
    const current = await serveAgent(handler, { port: 0 });
    const inFlight = fetch(current.url, { method: "POST", headers, body: JSON.stringify(seedBody) });
    while (!release) await new Promise((resolve) => setTimeout(resolve, 5));
    let closed = false;
    const closing = current.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    await expect(fetch(current.url, { method: "POST", headers, body: "{}" })).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(await response.json()).toEqual({ reply_text: "finished" });
    await closing;
    expect(closed).toBe(true);
  });

  it("cuts connections after the shutdown cap", async () => {
    const handler = createAgentHandler({ token: TOKEN, agent: () => new Promise<string>(() => {}) });
    const current = await serveAgent(handler, { port: 0, shutdownTimeoutMs: 100 });
    const inFlight = fetch(current.url, { method: "POST", headers, body: JSON.stringify(seedBody) }).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await current.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });

  it("aborts the agent's signal when the client disconnects", async () => {
    let aborted: Promise<void> | undefined;
    server = await serveAgent(
      createAgentHandler({
        token: TOKEN,
        agent: (_conversation, { signal }) => {
          aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
          return new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve("late")));
        },
      }),
      { port: 0 },
    );
    const client = new AbortController();
    const pending = fetch(server.url, {
      method: "POST",
      headers,
      body: JSON.stringify(seedBody),
      signal: client.signal,
    });
    while (!aborted) await new Promise((resolve) => setTimeout(resolve, 5));
    client.abort();
    await expect(pending).rejects.toThrow();
    await aborted;
  });
});

/** Opens a raw connection to the server, writes `data`, and resolves with all it read once closed. */
function rawExchange(url: string, data: string): { socket: Socket; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  socket.write(data);
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  return { socket, closed };
}

describe("serveAgent's timeouts and connection cap", () => {
  const handler = () => createAgentHandler({ token: TOKEN, agent: () => "hi", logger: { error: () => {} } });
  const post = (contentLength: number) =>
    `POST / HTTP/1.1\r\nHost: agent.test\r\nAuthorization: Bearer ${TOKEN}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

  it("defaults to a 10 s headers timeout, the handler's deadline for the whole request, 5 s keep-alive and 512 connections", async () => {
    server = await serveAgent(createAgentHandler({ token: TOKEN, agent: () => "hi", deadlineMs: 30_000 }), {
      port: 0,
    });
    expect(server.server.headersTimeout).toBe(10_000);
    expect(server.server.requestTimeout).toBe(30_000);
    expect(server.server.keepAliveTimeout).toBe(5_000);
    expect(server.server.maxConnections).toBe(512);
  });

  it("answers 408 and closes a request whose body is not complete by the request timeout, and logs it", async () => {
    const logs: unknown[] = [];
    server = await serveAgent(handler(), {
      port: 0,
      requestTimeoutMs: 400,
      headersTimeoutMs: 400,
      logger: { info: (message, details) => logs.push({ message, ...details }) },
    });
    const { closed } = rawExchange(server.url, `${post(1000)}{"version":`);
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toContain("connection: close");
    expect(JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4))).toMatchObject({ status: 408 });
    expect(logs).toEqual([
      expect.objectContaining({
        message: "caac-agent: rejected the request",
        status: 408,
        reason: "timeout",
      }),
    ]);
  }, 10_000);

  it("answers what is not HTTP with 400 and oversized headers with 431, as problem bodies", async () => {
    server = await serveAgent(handler(), { port: 0 });
    const garbage = await rawExchange(server.url, "HELLO THERE\r\n\r\n").closed;
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('"status":400');
    const huge = await rawExchange(
      server.url,
      `POST / HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(20_000)}\r\n\r\n`,
    ).closed;
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('"status":431');
  }, 10_000);

  it("answers 408 and closes a connection that does not finish its headers in time", async () => {
    server = await serveAgent(handler(), { port: 0, headersTimeoutMs: 300 });
    const { closed } = rawExchange(server.url, "POST / HTTP/1.1\r\nHost: agent.test\r\n");
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  }, 10_000);

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    server = await serveAgent(handler(), { port: 0, keepAliveTimeoutMs: 200 });
    const body = JSON.stringify(seedBody);
    const { closed } = rawExchange(server.url, `${post(Buffer.byteLength(body))}${body}`);
    const received = await Promise.race([
      closed,
      new Promise<string>((resolve) => setTimeout(() => resolve("still open after 3 s"), 3_000)),
    ]);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toContain('{"reply_text":"hi"}');
  }, 10_000);

  it("refuses connections beyond maxConnections", async () => {
    server = await serveAgent(handler(), { port: 0, maxConnections: 2 });
    const idle = [rawExchange(server.url, ""), rawExchange(server.url, "")];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = rawExchange(server.url, "");
    expect(await third.closed).toBe("");
    for (const { socket } of idle) expect(socket.destroyed).toBe(false);
    for (const { socket } of idle) socket.destroy();
  }, 10_000);

  it("refuses timeouts and caps that are not positive integers, naming the option", async () => {
    await expect(serveAgent(handler(), { port: 0, maxConnections: 0 })).rejects.toThrow(/maxConnections/);
    await expect(serveAgent(handler(), { port: 0, headersTimeoutMs: -1 })).rejects.toThrow(
      /headersTimeoutMs/,
    );
    await expect(
      serveAgent(handler(), { port: 0, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(/headersTimeoutMs.*requestTimeoutMs/);
  });
});
