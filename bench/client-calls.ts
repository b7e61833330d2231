/**
 * The per-call work the client section measures, shared by it and by `client-profile.ts`: a CAAC
 * `GET /openapi/v2/teams/{id}` and a Fifth Element `chat` POST, each through raw `fetch`, our client
 * and the peers of issue 17 (undici `request()`, bare openapi-fetch, openai-node, @hey-api/client-fetch,
 * openapi-fetch with a light `Request` class), against a given base URL and `fetch` (global, or an
 * in-memory fake). Each peer is used the way its documentation shows, with its defaults unless ours
 * differ (openai-node gets our retry count and timeout).
 */

import { createRequire } from "node:module";
import { createClient as createHeyApiClient } from "@hey-api/client-fetch";
import OpenAI from "openai";
import createClient from "openapi-fetch";
import type { paths as caacPaths } from "../generated/caac.js";
import type { paths as fifthElementPaths } from "../generated/fifthelement.js";
import { createCaacClient } from "../src/caac/index.js";
import { createFifthElementClient } from "../src/fifthelement/index.js";
import { CHAT_REPLY, TEAM } from "./lib/payloads.js";

export { CHAT_REPLY, TEAM };
export const API_KEY = "bench-api-key";
const CHAT_INPUT = { message: "Where is my order #1234?", conversationId: "c-1" };

/** One named way to make one call. */
export type Variant = { name: string; once: () => Promise<unknown> };

type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/**
 * What the platform `fetch` does with `(url, init)` before the network: build a Request. The fake
 * gets that Request, so a peer that calls `fetch(url, init)` pays for it as it would on the platform.
 */
function urlFetch(fetch: FetchLike) {
  return (input: string | URL | Request, init?: RequestInit) =>
    fetch(input instanceof Request ? input : new Request(input, init));
}

/**
 * openapi-fetch's `Request` option with the lightest class that works: it keeps the URL and init,
 * and its `fetch` sends them as `(url, init)`, so the platform builds the only Request of the call.
 */
class PlainRequest {
  readonly method: string;
  readonly headers: Headers;
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
    this.headers = init.headers as Headers;
  }
}
function plainRequestClient<Paths extends {}>(
  baseUrl: string,
  headers: Record<string, string>,
  fetch?: FetchLike,
) {
  const send = fetch ? urlFetch(fetch) : globalThis.fetch;
  return createClient<Paths>({
    baseUrl,
    headers,
    Request: PlainRequest as unknown as typeof Request,
    fetch: (request) =>
      send((request as unknown as PlainRequest).url, (request as unknown as PlainRequest).init),
  });
}

/**
 * undici's `request()` on an Agent of its own (a keep-alive pool like fetch's); loopback only.
 * undici from npm is loaded only here, after `globalThis.Headers` has loaded Node's bundled undici:
 * npm undici installs a global dispatcher of its own when it loads and finds none, and the platform
 * `fetch` would then run raw fetch and every fetch-based variant on npm undici's Agent (another
 * major on Node 26). A static import would be hoisted before any such code (also in a bundle).
 */
function undiciVariant(url: string, headers: Record<string, string>, body?: () => string): Variant {
  void globalThis.Headers;
  const { Agent, request: undiciRequest } = createRequire(import.meta.url)(
    "undici",
  ) as typeof import("undici");
  const dispatcher = new Agent();
  return {
    name: "undici request()",
    once: async () => {
      const options = body
        ? { method: "POST" as const, headers, body: body(), dispatcher }
        : { headers, dispatcher };
      return (await undiciRequest(url, options)).body.json();
    },
  };
}

/**
 * Raw fetch with what any client with a per-attempt timeout needs (ours, openai-node): an
 * AbortController whose signal `fetch` follows, and a timer that would abort it. Loopback only: it
 * shows what a timeout costs a fetch call, which the peers without one do not pay.
 */
function timeoutVariant(url: string, init: RequestInit): Variant {
  return {
    name: "raw fetch + timeout",
    once: async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        return await (await globalThis.fetch(url, { ...init, signal: controller.signal })).json();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The GET variants: raw fetch, our CAAC client and the peers. */
export function getVariants(baseUrl: string, fetch?: FetchLike): Variant[] {
  const url = `${baseUrl}/openapi/v2/teams/42`;
  const headers = { apikey: API_KEY };
  const bare = createClient<caacPaths>({ baseUrl, headers, ...(fetch && { fetch }) });
  const ours = createCaacClient({ apiKey: API_KEY, baseUrl, ...(fetch && { fetch }) });
  const openai = new OpenAI({
    apiKey: API_KEY,
    baseURL: baseUrl,
    defaultHeaders: headers,
    maxRetries: 2,
    timeout: 60_000,
    ...(fetch && { fetch: urlFetch(fetch) }),
  });
  const heyApi = createHeyApiClient({ baseUrl, headers, ...(fetch && { fetch }) });
  const light = plainRequestClient<caacPaths>(baseUrl, headers, fetch);
  const call = { params: { path: { team_id: 42 } } };
  return [
    {
      name: "raw fetch",
      // What a caller writes: fetch(url, init); a fake fetch takes the Request the platform would build.
      once: async () => {
        const init = { headers: { apikey: API_KEY } };
        return (await (fetch ? fetch(new Request(url, init)) : globalThis.fetch(url, init))).json();
      },
    },
    {
      name: "our client",
      once: async () => ours.unwrap(await ours.GET("/openapi/v2/teams/{team_id}", call)),
    },
    ...(fetch ? [] : [timeoutVariant(url, { headers }), undiciVariant(url, headers)]),
    {
      name: "bare openapi-fetch",
      once: async () => (await bare.GET("/openapi/v2/teams/{team_id}", call)).data,
    },
    { name: "openai-node", once: () => openai.get("/openapi/v2/teams/42") },
    {
      name: "@hey-api/client-fetch",
      once: async () =>
        (await heyApi.get({ url: "/openapi/v2/teams/{team_id}", path: { team_id: 42 } })).data,
    },
    {
      name: "openapi-fetch + light Request",
      once: async () => (await light.GET("/openapi/v2/teams/{team_id}", call)).data,
    },
  ];
}

/** The POST variants: raw fetch, our Fifth Element client's `chat` and the peers. */
export function postVariants(baseUrl: string, fetch?: FetchLike): Variant[] {
  const url = `${baseUrl}/chat/support`;
  const auth = { authorization: `Bearer ${API_KEY}` };
  const bare = createClient<fifthElementPaths>({ baseUrl, headers: auth, ...(fetch && { fetch }) });
  const ours = createFifthElementClient({ apiKey: API_KEY, baseUrl, ...(fetch && { fetch }) });
  // openai-node sends its API key as `Authorization: Bearer`, as Fifth Element expects.
  const openai = new OpenAI({
    apiKey: API_KEY,
    baseURL: baseUrl,
    maxRetries: 2,
    timeout: 60_000,
    ...(fetch && { fetch: urlFetch(fetch) }),
  });
  const heyApi = createHeyApiClient({ baseUrl, headers: auth, ...(fetch && { fetch }) });
  const light = plainRequestClient<fifthElementPaths>(baseUrl, auth, fetch);
  const path = { params: { path: { slug: "support" } }, body: CHAT_INPUT };
  return [
    {
      name: "raw fetch",
      once: async () => {
        const init = {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(CHAT_INPUT),
        };
        return (await (fetch ? fetch(new Request(url, init)) : globalThis.fetch(url, init))).json();
      },
    },
    { name: "our client", once: () => ours.chat("support", CHAT_INPUT) },
    ...(fetch
      ? []
      : [
          timeoutVariant(url, {
            method: "POST",
            headers: { ...auth, "content-type": "application/json" },
            body: JSON.stringify(CHAT_INPUT),
          }),
          // The body a string, as undici's docs show; the stringify is part of each call, as in raw fetch.
          undiciVariant(url, { ...auth, "content-type": "application/json" }, () =>
            JSON.stringify(CHAT_INPUT),
          ),
        ]),
    { name: "bare openapi-fetch", once: async () => (await bare.POST("/chat/{slug}", path)).data },
    { name: "openai-node", once: () => openai.post("/chat/support", { body: CHAT_INPUT }) },
    {
      name: "@hey-api/client-fetch",
      once: async () =>
        (await heyApi.post({ url: "/chat/{slug}", path: { slug: "support" }, body: CHAT_INPUT })).data,
    },
    {
      name: "openapi-fetch + light Request",
      once: async () => (await light.POST("/chat/{slug}", path)).data,
    },
  ];
}

/** An in-memory `fetch`: a fresh Response over prebuilt bytes, after reading the request's body. */
export function memoryFetch(): FetchLike {
  const team = new TextEncoder().encode(JSON.stringify(TEAM));
  const chat = new TextEncoder().encode(JSON.stringify(CHAT_REPLY));
  const init = { status: 200, headers: { "content-type": "application/json" } };
  return async (request) => {
    if (request.method === "GET") return new Response(team, init);
    await request.arrayBuffer();
    return new Response(chat, init);
  };
}
