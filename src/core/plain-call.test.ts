import { describe, expect, it } from "vitest";
import type { FetchLike } from "./options.js";
import { createTypedClient } from "./typed-client.js";

/** What reached the wire, and what the call resolved with. */
interface Observed {
  request: { url: string; method: string; headers: [string, string][]; body: string | null };
  result: Record<string, unknown>;
}

type Reply = () => Response;

/**
 * The same call through a typed client (plain calls take plain-call.ts) and through one with a
 * middleware registered (which leaves every call to openapi-fetch itself).
 */
async function both(
  method: "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "PATCH",
  path: string,
  init: Record<string, unknown>,
  reply: Reply,
  headers?: Record<string, string | null>,
): Promise<[Observed, Observed]> {
  const observed: Observed[] = [];
  for (const viaOpenapiFetch of [false, true]) {
    let request: Observed["request"] | undefined;
    const fetch: FetchLike = async (sent) => {
      request = {
        url: sent.url,
        method: sent.method,
        headers: [...sent.headers],
        body: sent.body === null ? null : await sent.text(),
      };
      return reply();
    };
    const api = createTypedClient<Record<string, never>>({
      baseUrl: "https://api.test/v1/",
      authHeaders: { apikey: "key-0123456789" },
      headers,
      fetch,
      maxRetries: 0,
    });
    if (viaOpenapiFetch) api.use({ onRequest: () => undefined });
    const call = (api as unknown as Record<string, (path: string, init: unknown) => Promise<unknown>>)[
      method
    ];
    const result = (await call?.(path, init)) as { response: Response } & Record<string, unknown>;
    const { response, ...rest } = result;
    if (!request) throw new Error("nothing was sent");
    observed.push({ request, result: { ...rest, status: response.status, keys: Object.keys(result) } });
  }
  return observed as [Observed, Observed];
}

const json =
  (value: unknown, init: ResponseInit = {}) =>
  () =>
    Response.json(value, init);
/** A JSON body without Content-Length (as a chunked response arrives). */
const chunked =
  (text: string, status = 200) =>
  () =>
    new Response(new Blob([text]).stream(), { status, headers: { "content-type": "application/json" } });

describe("a plain call", () => {
  const cases: [string, Parameters<typeof both>][] = [
    [
      "GET with path and query values",
      [
        "GET",
        "/teams/{team_id}/{name}",
        {
          params: {
            path: { team_id: 42, name: "a b/c?d" },
            query: { limit: 10, after: "x&y=z", skip: undefined, on: true },
          },
        },
        json({ id: 42 }),
      ],
    ],
    ["GET with an absent path value", ["GET", "/teams/{team_id}", { params: { path: {} } }, json([])]],
    [
      "POST with a JSON body, call headers over the client's, null removing one",
      [
        "POST",
        "/chat/{slug}",
        {
          params: { path: { slug: "s" } },
          body: { message: "hi" },
          headers: { "x-extra": "1", "X-Client": null },
        },
        chunked('{"response":"ok"}'),
        { "x-client": "c" },
      ],
    ],
    ["POST with a null body", ["POST", "/chat", { body: null }, json({ ok: true })]],
    [
      "PUT whose content type the caller sets",
      ["PUT", "/doc", { body: "text", headers: { "Content-Type": "text/plain" } }, json({ ok: true })],
    ],
    [
      "a 204",
      ["DELETE", "/doc/{id}", { params: { path: { id: "1" } } }, () => new Response(null, { status: 204 })],
    ],
    [
      "HEAD",
      ["HEAD", "/doc", {}, () => new Response(null, { status: 200, headers: { "content-length": "0" } })],
    ],
    ["Content-Length 0", ["PATCH", "/doc", { body: {} }, () => new Response("", { status: 200 })]],
    ["an empty 200 without Content-Length", ["GET", "/empty", {}, chunked("")]],
    ["a JSON error", ["GET", "/missing", {}, json({ error: "no" }, { status: 404 })]],
    ["a text error", ["GET", "/broken", {}, () => new Response("oops", { status: 500 })]],
    ["a chunked JSON error", ["POST", "/chat", { body: { a: 1 } }, chunked('{"e":1}', 429)]],
    [
      "a query array (left to openapi-fetch)",
      ["GET", "/list", { params: { query: { id: [1, 2] } } }, json([])],
    ],
    [
      "a label path value (left to openapi-fetch)",
      ["GET", "/x/{.id}", { params: { path: { id: 3 } } }, json([])],
    ],
  ];
  for (const [name, args] of cases) {
    it(`sends and returns what openapi-fetch does: ${name}`, async () => {
      const [plain, viaOpenapiFetch] = await both(...args);
      expect(plain).toEqual(viaOpenapiFetch);
    });
  }

  it("rejects (never throws) on a header openapi-fetch rejects, with the same error", async () => {
    const api = createTypedClient<Record<string, never>>({
      baseUrl: "https://api.test",
      fetch: async () => Response.json({}),
    });
    const get = (api as unknown as Record<string, (path: string, init: unknown) => Promise<unknown>>).GET;
    const pending = get?.("/x", { headers: { "bad name": "v" } });
    expect(pending).toBeInstanceOf(Promise);
    const plainError = await pending?.catch((error: unknown) => error);
    api.use({ onRequest: () => undefined });
    const openapiFetchError = await get?.("/x", { headers: { "bad name": "v" } }).catch(
      (error: unknown) => error,
    );
    expect(plainError).toBeInstanceOf(TypeError);
    expect(String(plainError)).toBe(String(openapiFetchError));
  });
});
