// Secrets are normalised once, at construction, and redacted before anything is cut short.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createCavuerClient } from "../src/cavuer/index.js";
import { APIError, ValidationError } from "../src/core/errors.js";
import { scrubError } from "../src/core/redaction.js";
import { createFifthElementClient } from "../src/fifthelement/index.js";
import { json, stubFetch } from "../src/test-support/stub-fetch.js";

const KEY = "cav_live_NORMALISED_0123456789";
const message = { chatId: "chat-1", content: { text: "Hi" } };

function everyRendering(error: unknown): string {
  const err = error as Error;
  return [
    String(err),
    err.stack ?? "",
    inspect(err, { depth: Infinity, showHidden: true }),
    JSON.stringify(err),
  ].join("\n");
}

describe("secrets normalised at construction", () => {
  it.each([`${KEY}\n`, `${KEY}\r\n`, `  ${KEY}\t`])(
    "sends a key read with surrounding whitespace trimmed, and redacts exactly what it sent",
    async (raw) => {
      const { fetch, requests } = stubFetch((request) =>
        json({ error: `bad key ${request.headers.get("x-cavuer-api-key")}` }, 401, {
          "x-echo": request.headers.get("x-cavuer-api-key") ?? "",
        }),
      );
      const error: unknown = await createCavuerClient({ apiKey: raw, fetch })
        .sendMessage("chan", message)
        .catch((e: unknown) => e);
      expect(requests[0]?.headers.get("x-cavuer-api-key")).toBe(KEY);
      expect(error).toBeInstanceOf(APIError);
      expect(everyRendering(error)).not.toContain(KEY);
      expect((error as APIError).headers.get("x-echo")).toBe("[redacted]");
    },
  );

  it.each([
    ["CR LF inside", `${KEY.slice(0, 10)}\r\nx-evil: 1`],
    ["NUL", `${KEY}\0`],
    ["a lone LF inside", `${KEY.slice(0, 10)}\n${KEY.slice(10)}`],
    ["non-ASCII", `${KEY}€`],
  ])("rejects a key with %s as a ValidationError naming apiKey, never quoting it", (_case, raw) => {
    let error: unknown;
    try {
      createCavuerClient({ apiKey: raw });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("apiKey");
    expect(everyRendering(error)).not.toContain(KEY.slice(0, 8));
  });

  it("rejects a baseUrl with user-info, or one that is no URL, without quoting it", () => {
    for (const baseUrl of [
      `https://user:${KEY}@api.test`,
      `https://${KEY}@api.test/v1`,
      `not a url ${KEY}`,
    ]) {
      let error: unknown;
      try {
        createFifthElementClient({ apiKey: "fe-key-1234", baseUrl });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("baseUrl");
      expect(everyRendering(error)).not.toContain(KEY.slice(0, 8));
    }
  });
});

describe("redaction before truncation", () => {
  it("leaves no prefix of a key in a long message that the error cuts short", () => {
    for (const offset of [490, 495, 499, 500]) {
      const body = { message: `${"x".repeat(offset)}${KEY}` };
      const error = APIError.from(400, body, { "x-request-id": `req-${KEY}` }, { secrets: [KEY] });
      for (let start = 0; start + 8 <= KEY.length; start++) {
        expect(everyRendering(error)).not.toContain(KEY.slice(start, start + 8));
      }
      expect(error.requestId).toBe("req-[redacted]");
    }
  });

  it("scrubs non-standard string properties and AggregateError members of a platform error", () => {
    const inner = Object.assign(new Error(`connect to ${KEY}`), {
      hostname: `h-${KEY}`,
      code: "ECONNREFUSED",
    });
    const error = new TypeError("fetch failed", { cause: new AggregateError([inner], `all of ${KEY}`) });
    Object.defineProperty(error, "detail", { value: `hidden ${KEY}`, enumerable: false, configurable: true });
    scrubError(error, [KEY]);
    expect(everyRendering(error)).not.toContain(KEY);
  });
});

describe("a credential sent only with one call", () => {
  const TOKEN = "per-call-TOKEN-abcdef012345";

  it("is redacted from that call's APIError, body and headers included", async () => {
    const { fetch } = stubFetch((request) => {
      const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      return json({ error: `token ${token} revoked` }, 401, { "x-echo": token });
    });
    const error: unknown = await createCavuerClient({ apiKey: KEY, fetch })
      .sendMessage("chan", message, { headers: { authorization: `Bearer ${TOKEN}` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(everyRendering(error)).not.toContain(TOKEN);
    expect((error as APIError).headers.get("x-echo")).toBe("[redacted]");
  });

  it("is redacted from that call's connection error", async () => {
    const fetch = async (request: Request): Promise<Response> => {
      throw new TypeError(`fetch failed: ${request.headers.get("x-cavuer-api-key")}`);
    };
    const error: unknown = await createCavuerClient({ apiKey: KEY, fetch, maxRetries: 0 })
      .sendMessage("chan", message, { headers: { "x-cavuer-api-key": TOKEN } })
      .catch((e: unknown) => e);
    expect(everyRendering(error)).not.toContain(TOKEN);
  });
});
