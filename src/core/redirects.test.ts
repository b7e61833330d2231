import { describe, expect, it } from "vitest";
import { APIRedirectError } from "./errors.js";
import type { FetchLike } from "./options.js";
import { dropCredentials } from "./redirects.js";
import { createRuntimeFetch } from "./runtime-fetch.js";

/** A Response with platform-only properties (`type`, `redirected`, `url`) set as a platform would. */
function platformResponse(init: {
  type?: ResponseType;
  redirected?: boolean;
  url?: string;
  status?: number;
}) {
  const response = new Response(null);
  for (const [key, value] of Object.entries(init)) Object.defineProperty(response, key, { value });
  return response;
}

describe("redirects the runtime cannot follow itself", () => {
  it("refuses a browser's opaque redirect, whose target it cannot check", async () => {
    const fetch: FetchLike = async () => platformResponse({ type: "opaqueredirect", status: 0 });
    const error: unknown = await createRuntimeFetch({ fetch })("https://api.test/x").catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "opaque" });
  });

  it("refuses an answer from another origin that a custom fetch followed itself, and passes a same-origin one", async () => {
    const elsewhere: FetchLike = async () =>
      platformResponse({ redirected: true, url: "https://other.test/y" });
    const error: unknown = await createRuntimeFetch({ fetch: elsewhere, maxRetries: 0 })(
      new Request("https://api.test/x", { method: "POST", body: "m" }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIRedirectError);
    expect(error).toMatchObject({ reason: "cross-origin", targetOrigin: "https://other.test" });
    const same: FetchLike = async () => platformResponse({ redirected: true, url: "https://api.test/y" });
    expect((await createRuntimeFetch({ fetch: same })("https://api.test/x")).status).toBe(200);
  });

  it("asks a custom fetch for redirect: manual in init", async () => {
    let mode: RequestRedirect | undefined;
    const fetch: FetchLike = async (_request, init) => {
      mode = init?.redirect;
      return new Response("ok");
    };
    await createRuntimeFetch({ fetch })("https://api.test/x");
    expect(mode).toBe("manual");
  });

  it("rejects a bad maxRedirects or crossOriginRedirects at construction", () => {
    expect(() => createRuntimeFetch({ maxRedirects: -1 })).toThrow(/maxRedirects/);
    expect(() => createRuntimeFetch({ maxRedirects: 21 })).toThrow(/maxRedirects/);
    // @ts-expect-error a value outside the union, as plain JavaScript could pass
    expect(() => createRuntimeFetch({ crossOriginRedirects: "follow" })).toThrow(/crossOriginRedirects/);
  });
});

describe("dropCredentials", () => {
  it("drops marked, well-known and secret-carrying headers, and keeps the rest", () => {
    const headers = new Headers({
      "x-vendor-key": "k",
      authorization: "Bearer t",
      cookie: "a=b",
      "x-custom": "token sk-secret-1",
      "x-trace": "t1",
    });
    dropCredentials(headers, { credentialHeaders: new Set(["x-vendor-key"]), secrets: ["sk-secret-1"] });
    expect([...headers.keys()]).toEqual(["x-trace"]);
  });
});
