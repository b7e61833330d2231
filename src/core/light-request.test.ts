import createClient, { type Middleware } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { useLoopbackServers } from "../test-support/loopback-server.js";
import { LightRequest } from "./light-request.js";
import type { FetchLike } from "./options.js";
import { createTypedClient } from "./typed-client.js";

interface paths {
  "/items/{id}": {
    get: {
      parameters: { path: { id: string } };
      responses: { 200: { content: { "application/json": { id: string } } } };
    };
    put: {
      parameters: { path: { id: string } };
      requestBody: { content: { "application/json": { name: string } } };
      responses: { 200: { content: { "application/json": { id: string } } } };
    };
  };
}

const serve = useLoopbackServers();
const call = { params: { path: { id: "7" } } };

/** A server that answers 503 to the first `failures` requests, then 200; records each body it got. */
async function flakyServer(failures: number) {
  const bodies: string[] = [];
  const url = await serve((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      bodies.push(body);
      const status = bodies.length <= failures ? 503 : 200;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ id: "7" }));
    });
  });
  return { url, bodies };
}

describe("LightRequest.Constructor (openapi-fetch's Request option)", () => {
  it("builds a LightRequest for a plain JSON call, with the URL a Request would hold", () => {
    const request = new LightRequest.Constructor("https://api.test/a b", {
      method: "POST",
      headers: new Headers({ "content-type": "application/json" }),
      body: '{"x":1}',
      redirect: "manual",
    }) as unknown;
    expect(request).toBeInstanceOf(LightRequest);
    expect((request as LightRequest).url).toBe(new Request("https://api.test/a b").url);
  });

  it.each([
    ["a GET with a body", { method: "GET", body: "x" }],
    ["a lower-case method", { method: "post", body: "x" }],
    ["a FormData body", { method: "POST", body: new FormData() }],
    ["an init key beyond the plain ones", { method: "GET", cache: "no-store" as RequestCache }],
  ])("builds a real Request (checked as before) for %s", (_name, init) => {
    const build = () =>
      new LightRequest.Constructor("https://api.test/x", { headers: new Headers(), ...init });
    let expected: unknown;
    try {
      expected = new Request("https://api.test/x", { headers: new Headers(), ...init });
    } catch (error) {
      expected = error;
    }
    if (expected instanceof Error) expect(build).toThrow(expected.message);
    else expect(build()).toBeInstanceOf(Request);
  });
});

describe("the typed client over the light request", () => {
  it("resends the same body on a retry through the global fetch (no clone needed)", async () => {
    const { url, bodies } = await flakyServer(2);
    const api = createTypedClient<paths>({ baseUrl: url, sleep: async () => {}, maxRetries: 2 });
    const result = await api.PUT("/items/{id}", { ...call, body: { name: "seven" } });
    expect(result.response.status).toBe(200);
    expect(bodies).toEqual(['{"name":"seven"}', '{"name":"seven"}', '{"name":"seven"}']);
  });

  it("gives a client-level custom fetch a real Request on every attempt, body readable each time", async () => {
    const seen: Array<{ real: boolean; body: string }> = [];
    const fetch: FetchLike = async (request) => {
      seen.push({ real: request instanceof Request, body: await request.text() });
      return Response.json({ id: "7" }, { status: seen.length < 2 ? 503 : 200 });
    };
    const api = createTypedClient<paths>({ baseUrl: "https://api.test", fetch, sleep: async () => {} });
    await api.PUT("/items/{id}", { ...call, body: { name: "seven" } });
    expect(seen).toEqual([
      { real: true, body: '{"name":"seven"}' },
      { real: true, body: '{"name":"seven"}' },
    ]);
  });

  it("gives middleware registered with use() a real Request it can replace", async () => {
    const { url } = await flakyServer(0);
    const api = createTypedClient<paths>({ baseUrl: url });
    const seen: unknown[] = [];
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push(request);
        return new Request(request, { headers: { "x-tag": "mw" } });
      },
    };
    api.use(middleware);
    const result = await api.GET("/items/{id}", call);
    expect(result.response.status).toBe(200);
    expect(seen[0]).toBeInstanceOf(Request);
  });

  it("gives per-call middleware and a per-call fetch of the caller's own a real Request", async () => {
    const seen: unknown[] = [];
    const fetch = async (request: Request) => {
      seen.push(request);
      return Response.json({ id: "7" });
    };
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push(request);
      },
    };
    const { url } = await flakyServer(0);
    const api = createTypedClient<paths>({ baseUrl: url });
    await api.GET("/items/{id}", { ...call, fetch });
    await api.GET("/items/{id}", { ...call, middleware: [middleware] });
    expect(seen).toHaveLength(2);
    for (const request of seen) expect(request).toBeInstanceOf(Request);
  });

  it("rejects a call a Request rejects, with the same error as plain openapi-fetch", async () => {
    const body = { name: "x" } as never;
    const ours = createTypedClient<paths>({
      baseUrl: "https://api.test",
      fetch: async () => Response.json({}),
    });
    const bare = createClient<paths>({ baseUrl: "https://api.test", fetch: async () => Response.json({}) });
    const expected = await bare.GET("/items/{id}", { ...call, body }).catch((error: unknown) => error);
    expect(expected).toBeInstanceOf(TypeError);
    await expect(ours.GET("/items/{id}", { ...call, body })).rejects.toThrow((expected as Error).message);
  });
});
