import { describe, expect, it } from "vitest";
import { AuthenticationError, InternalServerError, ValidationError } from "../core/index.js";
import { json, stubFetch } from "../test-support/stub-fetch.js";
import { createCavuerClient } from "./index.js";

const apiKey = "cav_live_SECRET_1234567890";

describe("createCavuerClient().sendMessage", () => {
  it("posts the body to the channel's send URL with the API key header", async () => {
    const { fetch, requests } = stubFetch(() => new Response(null, { status: 200 }));
    const client = createCavuerClient({ apiKey, fetch });
    const body = { chatId: "unique-chat-123", content: { text: "Hello!" }, chatType: "user" as const };
    await expect(client.sendMessage("chan-1", body)).resolves.toBeUndefined();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toBe("https://api.cavuer.com/custom/chan-1/send");
    expect(requests[0]?.headers.get("x-cavuer-api-key")).toBe(apiKey);
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual(body);
  });

  it.each([
    ["chatId", { content: { text: "hi" } }, "chatId: required"],
    ["content", { chatId: "c", content: {} }, "content: must carry text or url"],
    ["participantId", { chatId: "g", content: { text: "hi" }, chatType: "group" }, "participantId: required"],
    [
      "chatType",
      { chatId: "g", content: { text: "hi" }, chatType: "channel" },
      'chatType: must be "user" or "group"',
    ],
  ])("rejects a body with a bad %s before any request", async (_field, body, message) => {
    const { fetch, requests } = stubFetch(() => new Response(null));
    const client = createCavuerClient({ apiKey, fetch });
    // Deliberately wrong bodies: the runtime check must catch what the types would.
    const error = await client.sendMessage("chan-1", body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error)).toContain(message);
    expect(requests).toHaveLength(0);
  });

  it("throws AuthenticationError on 401 without the key in the error", async () => {
    const { fetch } = stubFetch(() => json({ message: `invalid key ${apiKey}` }, 401));
    const client = createCavuerClient({ apiKey, fetch });
    const error = await client
      .sendMessage("c", { chatId: "c", content: { text: "t" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(apiKey);
  });

  it("does not resend a message after a 500 (no silent duplicates)", async () => {
    const { fetch, requests } = stubFetch(() => new Response("oops", { status: 500 }));
    const client = createCavuerClient({ apiKey, fetch, maxRetries: 3 });
    const error = await client
      .sendMessage("c", { chatId: "c", content: { text: "t" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it("resends after a 429, which says the message was not processed", async () => {
    const { fetch, requests } = stubFetch((_r, i) =>
      i === 0 ? new Response(null, { status: 429, headers: { "retry-after-ms": "1" } }) : new Response(null),
    );
    const client = createCavuerClient({ apiKey, fetch });
    await client.sendMessage("c", { chatId: "c", content: { url: "https://example.com/a.pdf" } });
    expect(requests).toHaveLength(2);
  });
});

describe("createCavuerClient per-call headers", () => {
  const body = { chatId: "chat-1", content: { text: "Hi" } };

  it("sends per-call headers with sendMessage, over the client's", async () => {
    const { fetch, requests } = stubFetch(() => new Response(null, { status: 200 }));
    const client = createCavuerClient({ apiKey, fetch, headers: { prefer: "code=200" } });
    await client.sendMessage("chan-1", body, { headers: { prefer: "code=404", "x-trace": "t1" } });
    expect(requests[0]?.headers.get("prefer")).toBe("code=404");
    expect(requests[0]?.headers.get("x-trace")).toBe("t1");
    expect(requests[0]?.headers.get("x-cavuer-api-key")).toBe(apiKey);
  });

  it("removes the credential when a call or the client sets it to null", async () => {
    const { fetch, requests } = stubFetch(() => new Response(null, { status: 200 }));
    await createCavuerClient({ apiKey, fetch }).sendMessage("chan-1", body, {
      headers: { "x-cavuer-api-key": null },
    });
    await createCavuerClient({ apiKey, fetch, headers: { "X-Cavuer-Api-Key": null } }).sendMessage(
      "chan-1",
      body,
    );
    expect(requests.map((request) => request.headers.has("x-cavuer-api-key"))).toEqual([false, false]);
  });
});
