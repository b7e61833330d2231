/**
 * The per-call work the client section measures, shared by it and by `client-profile.ts`: a CAAC
 * `GET /openapi/v2/teams/{id}` and a Fifth Element `chat` POST, each through raw `fetch`, bare
 * openapi-fetch and our client, against a given base URL and `fetch` (global, or an in-memory fake).
 */
import createClient from "openapi-fetch";
import type { paths as caacPaths } from "../generated/caac.js";
import type { paths as fifthElementPaths } from "../generated/fifthelement.js";
import { createCaacClient } from "../src/caac/index.js";
import { createFifthElementClient } from "../src/fifthelement/index.js";

export const API_KEY = "bench-api-key";
/** The JSON each fake or loopback server answers a GET with (a CAAC team). */
export const TEAM = { id: 42, name: "Support", description: "Front-line support team" };
/** The JSON answering a `chat` POST (a Fifth Element envelope). */
export const CHAT_REPLY = {
  data: { response: "Hello! How can I help?", conversationId: "c-1", metadata: {} },
  error: null,
};
const CHAT_INPUT = { message: "Where is my order #1234?", conversationId: "c-1" };

/** One named way to make one call. */
export type Variant = { name: string; once: () => Promise<unknown> };

type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** The GET variants: raw fetch, bare openapi-fetch, our CAAC client. */
export function getVariants(baseUrl: string, fetch?: FetchLike): Variant[] {
  const url = `${baseUrl}/openapi/v2/teams/42`;
  const bare = createClient<caacPaths>({ baseUrl, headers: { apikey: API_KEY }, ...(fetch && { fetch }) });
  const ours = createCaacClient({ apiKey: API_KEY, baseUrl, ...(fetch && { fetch }) });
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
      name: "bare openapi-fetch",
      once: async () => (await bare.GET("/openapi/v2/teams/{team_id}", call)).data,
    },
    {
      name: "our client",
      once: async () => ours.unwrap(await ours.GET("/openapi/v2/teams/{team_id}", call)),
    },
  ];
}

/** The POST variants: raw fetch, bare openapi-fetch, our Fifth Element client's `chat`. */
export function postVariants(baseUrl: string, fetch?: FetchLike): Variant[] {
  const url = `${baseUrl}/chat/support`;
  const auth = { authorization: `Bearer ${API_KEY}` };
  const bare = createClient<fifthElementPaths>({ baseUrl, headers: auth, ...(fetch && { fetch }) });
  const ours = createFifthElementClient({ apiKey: API_KEY, baseUrl, ...(fetch && { fetch }) });
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
    {
      name: "bare openapi-fetch",
      once: async () =>
        (await bare.POST("/chat/{slug}", { params: { path: { slug: "support" } }, body: CHAT_INPUT })).data,
    },
    { name: "our client", once: () => ours.chat("support", CHAT_INPUT) },
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
