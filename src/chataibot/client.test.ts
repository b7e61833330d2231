import { describe, expect, it } from "vitest";
import { BadRequestError, ValidationError } from "../core/index.js";
import { json, stubFetch } from "../test-support/stub-fetch.js";
import { createChatAIBotClient } from "./index.js";

const apiKey = "cab_SECRET_token";
const start = {
  channel: "API" as const,
  message: { data: { body: "Hello" }, type: "text" as const },
  bot_key: "bot_1",
  from: { user_external_id: "visitor-1", type: "VISITOR" as const },
};

describe("createChatAIBotClient", () => {
  it("starts a conversation and returns the documented response", async () => {
    const response = { ok: true, conversation: { id: "c1", created_at: "2025-02-10 20:21:03.913000" } };
    const { fetch, requests } = stubFetch(() => json(response));
    const client = createChatAIBotClient({ apiKey, fetch });
    await expect(client.startConversation(start)).resolves.toEqual(response);
    expect(requests[0]?.url).toBe("https://app.chataibot.io/api/v1/conversations");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual(start);
  });

  it("wraps a plain text into the documented visitor-message body, on the singular path", async () => {
    const { fetch, requests } = stubFetch(() => json({ ok: true, message_id: "m1" }));
    const client = createChatAIBotClient({ apiKey, fetch });
    await expect(client.sendVisitorMessage("c1", "Hi there")).resolves.toEqual({
      ok: true,
      message_id: "m1",
    });
    expect(requests[0]?.url).toBe("https://app.chataibot.io/api/v1/conversation/c1/messages");
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({
      message: { data: { body: "Hi there" }, type: "text" },
      user: { type: "VISITOR" },
    });
  });

  it("puts the platform's error code into a BadRequestError", async () => {
    const { fetch } = stubFetch(() => json({ ok: false, error: "CONVERSATION_CREATION_ERROR" }, 400));
    const error = await createChatAIBotClient({ apiKey, fetch })
      .startConversation(start)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("CONVERSATION_CREATION_ERROR");
  });

  it.each([
    ["from.user_external_id", { ...start, from: { type: "VISITOR" } }],
    ["bot_key", { ...start, bot_key: "" }],
    ["message.data.body", { ...start, message: { data: { body: "" }, type: "text" } }],
  ])("rejects a start without %s before any request", async (field, body) => {
    const { fetch, requests } = stubFetch(() => json({}));
    const error = await createChatAIBotClient({ apiKey, fetch })
      .startConversation(body as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(requests).toHaveLength(0);
  });

  it("rejects an empty visitor message before any request", async () => {
    const { fetch, requests } = stubFetch(() => json({}));
    await expect(createChatAIBotClient({ apiKey, fetch }).sendVisitorMessage("c1", "")).rejects.toThrow(
      "message.data.body: ",
    );
    expect(requests).toHaveLength(0);
  });
});

describe("createChatAIBotClient per-call headers", () => {
  it("sends per-call headers with both helpers, and null removes the Authorization header", async () => {
    const { fetch, requests } = stubFetch(() => json({ ok: true }));
    const client = createChatAIBotClient({ apiKey, fetch });
    await client.startConversation(start, { headers: { "x-trace": "a" } });
    await client.sendVisitorMessage("c1", "hi", { headers: { "x-trace": "b", authorization: null } });
    expect(requests.map((request) => request.headers.get("x-trace"))).toEqual(["a", "b"]);
    expect(requests.map((request) => request.headers.has("authorization"))).toEqual([true, false]);
  });
});
