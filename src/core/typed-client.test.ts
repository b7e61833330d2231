import { describe, expect, it } from "vitest";
import {
  APIUserAbortError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "./errors.js";
import type { FetchLike } from "./options.js";
import { createTypedClient, unwrap } from "./typed-client.js";

interface paths {
  "/chat/{slug}": {
    post: {
      parameters: { path: { slug: string } };
      requestBody: { content: { "application/json": { message: string } } };
      responses: {
        200: { content: { "application/json": { response: string } } };
        404: { content: { "application/json": { data: null; error: { name: string; message: string } } } };
      };
    };
  };
}

const KEY = "fe-live-key-000111";

function recorder(responses: Response[]) {
  const requests: Request[] = [];
  const fetch: FetchLike = async (request) => {
    requests.push(request);
    const next = responses[Math.min(requests.length - 1, responses.length - 1)];
    if (!next) throw new Error("no response scripted");
    return next.clone();
  };
  return { fetch, requests };
}

function client(fetch: FetchLike, extra: { maxRetries?: number } = {}) {
  return createTypedClient<paths>({
    baseUrl: "https://fe.test/v1/api/",
    authHeaders: { Authorization: `Bearer ${KEY}` },
    fetch,
    sleep: async () => {},
    ...extra,
  });
}

describe("createTypedClient", () => {
  it("sends auth headers and returns typed data through unwrap", async () => {
    const { fetch, requests } = recorder([Response.json({ response: "hello" })]);
    const api = client(fetch);
    const data = api.unwrap(
      await api.POST("/chat/{slug}", { params: { path: { slug: "bot" } }, body: { message: "hi" } }),
    );
    expect(data.response).toBe("hello");
    expect(requests[0]?.url).toBe("https://fe.test/v1/api/chat/bot");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("throws the status's class with the vendor's message, and never the key", async () => {
    const body = { data: null, error: { name: "NotFoundError", message: `No agent for key ${KEY}` } };
    const { fetch } = recorder([Response.json(body, { status: 404, headers: { "x-request-id": "req_9" } })]);
    const api = client(fetch);
    const error: unknown = await api
      .POST("/chat/{slug}", { params: { path: { slug: "x" } }, body: { message: "hi" } })
      .then((result) => api.unwrap(result))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const err = error as NotFoundError;
    expect(err.message).toBe("404 NotFoundError: No agent for key [redacted]");
    expect(err.requestId).toBe("req_9");
    for (const text of [String(err), err.stack ?? "", JSON.stringify(err.error)])
      expect(text).not.toContain(KEY);
  });

  it("applies per-call options through requestInit", async () => {
    const { fetch, requests } = recorder([
      new Response("", { status: 429 }),
      Response.json({ response: "x" }),
    ]);
    const api = client(fetch);
    const result = await api.POST("/chat/{slug}", {
      params: { path: { slug: "a" } },
      body: { message: "hi" },
      ...api.requestInit({ maxRetries: 0 }),
    });
    expect(() => api.unwrap(result)).toThrow(RateLimitError);
    expect(requests).toHaveLength(1);

    const aborted = api.POST("/chat/{slug}", {
      params: { path: { slug: "a" } },
      body: { message: "hi" },
      ...api.requestInit({ signal: AbortSignal.abort() }),
    });
    await expect(aborted).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it("adds no per-call fetch when a call sets no option", async () => {
    const { fetch, requests } = recorder([Response.json({ response: "x" })]);
    const api = client(fetch);
    expect(api.requestInit()).toEqual({});
    expect(api.requestInit({ signal: undefined, headers: undefined })).toEqual({});
    expect(api.requestInit({ maxRetries: 0 }).fetch).toBeTypeOf("function");
    const result = await api.POST("/chat/{slug}", {
      params: { path: { slug: "a" } },
      body: { message: "hi" },
      ...api.requestInit(),
    });
    expect(api.unwrap(result)).toEqual({ response: "x" });
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("exposes the resolved timeout for stream idle limits", () => {
    const api = client(recorder([]).fetch);
    expect(api.runtime.resolve().timeout).toBe(60_000);
    expect(api.runtime.resolve({ timeout: 5 }).timeout).toBe(5);
  });
});

describe("unwrap", () => {
  it("returns data for 2xx, including an empty 204", () => {
    expect(unwrap({ data: { a: 1 }, response: new Response(null, { status: 200 }) })).toEqual({ a: 1 });
    expect(unwrap({ data: undefined, response: new Response(null, { status: 204 }) })).toBeUndefined();
  });

  it("throws the status's class with the parsed body and redacts the given secrets", () => {
    const result = { error: { message: "dup sk-abcdef" }, response: new Response(null, { status: 409 }) };
    expect(() => unwrap(result, { secrets: ["sk-abcdef"] })).toThrow(ConflictError);
    expect(() => unwrap(result, { secrets: ["sk-abcdef"] })).toThrow("409 dup [redacted]");
  });

  it("throws for non-2xx even without a parsed body", () => {
    expect(() => unwrap({ error: undefined, response: new Response(null, { status: 502 }) })).toThrow(
      InternalServerError,
    );
  });
});
