import { describe, expect, it } from "vitest";
import { useLoopbackServers } from "../test-support/loopback-server.js";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ValidationError,
} from "./errors.js";
import type { FetchLike } from "./options.js";
import { createRuntimeFetch, type RuntimeOptions } from "./runtime-fetch.js";

const SECRET = "sk-test-SECRET-42";

/** Records every request and answers from a list of responses (or thrown errors). */
function scriptedFetch(script: Array<Response | Error | ((request: Request) => Promise<Response>)>) {
  const requests: Request[] = [];
  const bodies: string[] = [];
  const fetch: FetchLike = async (request) => {
    requests.push(request);
    bodies.push(await request.clone().text());
    const next = script[Math.min(requests.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    if (typeof next === "function") return next(request);
    if (!next) throw new Error("script exhausted");
    return next.clone();
  };
  return { fetch, requests, bodies };
}

/** A fetch that never answers until its signal aborts, then rejects like undici. */
const hangingFetch = (request: Request) =>
  new Promise<Response>((_, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener("abort", () => reject(request.signal.reason));
  });

function runtime(fetch: FetchLike, options: RuntimeOptions = {}) {
  const delays: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    delays.push(ms);
    if (signal?.aborted) throw new APIUserAbortError();
  };
  return { delays, fetch: createRuntimeFetch({ fetch, sleep, random: () => 0, ...options }) };
}

const refused = () =>
  new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
  });

const serve = useLoopbackServers();

describe("retries", () => {
  it("honours Retry-After on 429 and bounds it to 60 s", async () => {
    const script = scriptedFetch([
      new Response("slow down", { status: 429, headers: { "retry-after": "2" } }),
      new Response("slow down", { status: 429, headers: { "retry-after": "86400" } }),
      Response.json({ ok: true }),
    ]);
    const { fetch, delays } = runtime(script.fetch);
    const response = await fetch(new Request("https://api.test/x"));
    expect(response.status).toBe(200);
    expect(delays).toEqual([2000, 60_000]);
  });

  it("stops at maxRetries and returns the last response", async () => {
    const script = scriptedFetch([new Response("boom", { status: 503 })]);
    const { fetch, delays } = runtime(script.fetch, { maxRetries: 3 });
    const response = await fetch(new Request("https://api.test/x"));
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("boom");
    expect(script.requests).toHaveLength(4);
    expect(delays).toEqual([500, 1000, 2000]);
  });

  it("does not retry when maxRetries is 0 or the status is final", async () => {
    const script = scriptedFetch([new Response("", { status: 500 })]);
    await runtime(script.fetch, { maxRetries: 0 }).fetch(new Request("https://api.test/x"));
    const notFound = scriptedFetch([new Response("", { status: 404 })]);
    await runtime(notFound.fetch).fetch(new Request("https://api.test/x"));
    expect([script.requests.length, notFound.requests.length]).toEqual([1, 1]);
  });

  it("retries a GET after a connection reset (real server)", async () => {
    let hits = 0;
    const url = await serve((req, res) => {
      hits++;
      if (hits === 1) req.socket.destroy();
      else res.end("ok");
    });
    const fetch = createRuntimeFetch({ sleep: async () => {} });
    const response = await fetch(new Request(`${url}/reset`));
    expect(await response.text()).toBe("ok");
    expect(hits).toBe(2);
  });

  it("does not retry a POST after a 500 by default, so a message is never sent twice", async () => {
    const script = scriptedFetch([new Response("", { status: 500 }), Response.json({})]);
    const response = await runtime(script.fetch).fetch(
      new Request("https://api.test/send", { method: "POST" }),
    );
    expect(response.status).toBe(500);
    expect(script.requests).toHaveLength(1);
  });

  it("retries a POST after a 500 with retryNonIdempotent, client-level or per call", async () => {
    const client = scriptedFetch([new Response("", { status: 500 }), Response.json({})]);
    const optedIn = runtime(client.fetch, { retryNonIdempotent: true });
    expect((await optedIn.fetch(new Request("https://api.test/send", { method: "POST" }))).status).toBe(200);

    const call = scriptedFetch([new Response("", { status: 500 }), Response.json({})]);
    const perCall = runtime(call.fetch).fetch.withOptions({ retryNonIdempotent: true });
    expect((await perCall(new Request("https://api.test/send", { method: "POST" }))).status).toBe(200);
  });

  it("retries a POST after 429, resending the same body", async () => {
    const script = scriptedFetch([new Response("", { status: 429 }), Response.json({ id: 1 })]);
    const { fetch } = runtime(script.fetch);
    const response = await fetch(
      new Request("https://api.test/send", { method: "POST", body: '{"text":"hi"}' }),
    );
    expect(response.status).toBe(200);
    expect(script.bodies).toEqual(['{"text":"hi"}', '{"text":"hi"}']);
  });

  it("retries a POST when the connection was refused, but not after a reset or a timeout", async () => {
    const refusedThenOk = scriptedFetch([refused(), Response.json({})]);
    const ok = await runtime(refusedThenOk.fetch).fetch(
      new Request("https://api.test/s", { method: "POST" }),
    );
    expect(ok.status).toBe(200);

    const reset = scriptedFetch([new TypeError("fetch failed", { cause: { code: "ECONNRESET" } })]);
    await expect(
      runtime(reset.fetch).fetch(new Request("https://api.test/s", { method: "POST" })),
    ).rejects.toBeInstanceOf(APIConnectionError);
    expect(reset.requests).toHaveLength(1);

    const hung = scriptedFetch([hangingFetch]);
    const timedOut = runtime(hung.fetch, { timeout: 30 }).fetch(
      new Request("https://api.test/s", { method: "POST" }),
    );
    await expect(timedOut).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(hung.requests).toHaveLength(1);
  });

  it("honours x-should-retry: false on a 503", async () => {
    const script = scriptedFetch([new Response("", { status: 503, headers: { "x-should-retry": "false" } })]);
    await runtime(script.fetch).fetch(new Request("https://api.test/x"));
    expect(script.requests).toHaveLength(1);
  });

  it("never retries a streaming request body", async () => {
    const script = scriptedFetch([new Response("", { status: 503 })]);
    const body = new ReadableStream({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode("chunk"));
        controller.close();
      },
    });
    const init = { method: "PUT", body, duplex: "half" } as RequestInit;
    const response = await runtime(script.fetch).fetch("https://api.test/upload", init);
    expect(response.status).toBe(503);
    expect(script.requests).toHaveLength(1);
  });
});

describe("timeouts and aborts", () => {
  it("applies the timeout to each attempt, and a later attempt can succeed (real server)", async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      if (hits > 1) res.end("ok"); // the first request hangs
    });
    // Generous: the answering attempt must beat the timeout even on a loaded machine.
    const fetch = createRuntimeFetch({ timeout: 1_000, sleep: async () => {} });
    const response = await fetch(new Request(`${url}/slow`));
    expect(await response.text()).toBe("ok");
    expect(hits).toBe(2);
  });

  it("rejects with APIConnectionTimeoutError when every attempt times out", async () => {
    const script = scriptedFetch([hangingFetch]);
    const { fetch } = runtime(script.fetch, { timeout: 20, maxRetries: 2 });
    await expect(fetch(new Request("https://api.test/x"))).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(script.requests).toHaveLength(3);
  });

  it("rejects with APIUserAbortError when the caller aborts, and does not retry", async () => {
    const script = scriptedFetch([hangingFetch]);
    const controller = new AbortController();
    const { fetch } = runtime(script.fetch);
    const pending = fetch.withOptions({ signal: controller.signal })(new Request("https://api.test/x"));
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.requests).toHaveLength(1);
  });

  it("honours the signal carried by the Request itself (openapi-fetch's `signal` option)", async () => {
    const script = scriptedFetch([hangingFetch]);
    const { fetch } = runtime(script.fetch);
    const controller = new AbortController();
    const pending = fetch(new Request("https://api.test/x", { signal: controller.signal }));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it("stops waiting between retries when the caller aborts", async () => {
    const script = scriptedFetch([new Response("", { status: 503, headers: { "retry-after": "30" } })]);
    const controller = new AbortController();
    const fetch = createRuntimeFetch({ fetch: script.fetch });
    const pending = fetch.withOptions({ signal: controller.signal })(new Request("https://api.test/x"));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.requests).toHaveLength(1);
  });

  it("does not cut off a body that arrives after the timeout once headers are in (real server)", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write("first ");
      setTimeout(() => res.end("last"), 120);
    });
    const fetch = createRuntimeFetch({ timeout: 50 });
    const response = await fetch(new Request(url));
    expect(await response.text()).toBe("first last");
  });

  it("rejects invalid timeout and maxRetries values up front", () => {
    expect(() => createRuntimeFetch({ timeout: 0 })).toThrow(/timeout/);
    expect(() => createRuntimeFetch({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createRuntimeFetch().withOptions({ maxRetries: 1.5 })).toThrow(/maxRetries/);
  });
});

describe("headers, logging and secrets", () => {
  it("adds default headers without overriding the request's own, and null removes one", async () => {
    const script = scriptedFetch([Response.json({})]);
    const { fetch } = runtime(script.fetch, { headers: { "x-a": "default", "x-b": "default", "x-c": null } });
    await fetch(new Request("https://api.test/x", { headers: { "x-b": "mine", "x-c": "gone" } }));
    const sent = script.requests[0]?.headers;
    expect([sent?.get("x-a"), sent?.get("x-b"), sent?.get("x-c")]).toEqual(["default", "mine", null]);
  });

  it("logs method, redacted URL, status, attempt and delay, and never a secret", async () => {
    const lines: string[] = [];
    const record = (level: string) => (message: string, data?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${JSON.stringify(data)}`);
    const logger = { debug: record("debug"), warn: record("warn") };
    const script = scriptedFetch([new Response("", { status: 429 }), refused(), Response.json({})]);
    const { fetch } = runtime(script.fetch, { logger, secrets: [SECRET] });
    await fetch(
      new Request(`https://api.test/custom/${SECRET}/send?apikey=${SECRET}`, {
        headers: { authorization: `Bearer ${SECRET}`, apikey: SECRET },
      }),
    );
    expect(lines.some((line) => line.includes('"status":429') && line.includes('"delayMs":500'))).toBe(true);
    expect(lines.some((line) => line.includes('"attempt":2') && line.includes('"method":"GET"'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });

  it("keeps secrets out of thrown connection errors, their causes and stacks", async () => {
    const leaky = new TypeError(`fetch failed for https://api.test/?key=${SECRET}`, {
      cause: new Error(`socket to ${SECRET} reset`),
    });
    const script = scriptedFetch([leaky]);
    const { fetch } = runtime(script.fetch, { secrets: [SECRET], maxRetries: 0 });
    const error: unknown = await fetch(new Request("https://api.test/x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    const err = error as APIConnectionError;
    const cause = err.cause as Error;
    const nested = cause.cause as Error;
    for (const text of [String(err), err.stack ?? "", String(cause), cause.stack ?? "", String(nested)]) {
      expect(text).not.toContain(SECRET);
    }
  });
});

describe("per-call headers", () => {
  it("merges per-call headers over the request's and the client's, and null removes any of them", async () => {
    const script = scriptedFetch([Response.json({})]);
    const { fetch } = runtime(script.fetch, { headers: { "x-default": "client", "x-gone": "client" } });
    const call = fetch.withOptions({
      headers: { "X-Default": "call", "x-gone": null, apikey: null, prefer: "code=404", "x-skip": undefined },
    });
    await call(new Request("https://api.test/x", { headers: { apikey: SECRET, "x-skip": "kept" } }));
    const sent = script.requests[0]?.headers;
    expect(Object.fromEntries(sent?.entries() ?? [])).toEqual({
      "x-default": "call",
      prefer: "code=404",
      "x-skip": "kept",
    });
  });

  it("rejects a per-call header value with CR, LF or NUL before sending, naming the header, not the value", () => {
    const { fetch } = runtime(scriptedFetch([Response.json({})]).fetch);
    for (const bad of [`${SECRET}\r\nx-evil: 1`, `${SECRET}\n`, `a\0${SECRET}`]) {
      let error: unknown;
      try {
        fetch.withOptions({ headers: { "x-api-key": bad } });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("headers.x-api-key");
      expect(String(error)).not.toContain(SECRET);
    }
    expect(() => fetch.withOptions({ headers: { "bad name": "v" } })).toThrow(/headers\.bad name/);
    expect(() => fetch.withOptions({ headers: { "x-name": "caf\u20ac" } })).toThrow(
      /headers\.x-name: must hold only Latin-1/,
    );
  });
});
