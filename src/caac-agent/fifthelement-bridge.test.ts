import { describe, expect, it, vi } from "vitest";
import type { Conversation } from "./agent.js";
import { createFifthElementBridgeAgent, type FifthElementChat } from "./fifthelement-bridge.js";
import { HUMAN_HANDOVER } from "./handover.js";

const turn = (conversationId: number | undefined, text: string, prompt?: string): Conversation => ({
  conversationId,
  messages: [
    { sender_type: "bot", text: "Hi!" },
    { sender_type: "member", text },
  ],
  participants: {},
  prompt,
  orgUuid: undefined,
  raw: {} as never,
});
const signal = new AbortController().signal;

describe("createFifthElementBridgeAgent", () => {
  it("sends the prompt with the first message, then continues the upstream conversation", async () => {
    const chat = vi.fn<FifthElementChat>(async (_slug, body) => ({
      response: `re: ${body.message}`,
      conversationId: body.conversationId ?? "fe-1",
    }));
    const agent = createFifthElementBridgeAgent({ chat, slug: "support" });
    expect(await agent(turn(7, "Where is my order?", "Be kind."), { signal })).toBe(
      "re: Be kind.\n\nWhere is my order?",
    );
    expect(await agent(turn(7, "Thanks", "Be kind."), { signal })).toBe("re: Thanks");
    expect(chat.mock.calls.map(([slug, body]) => [slug, body])).toEqual([
      ["support", { message: "Be kind.\n\nWhere is my order?" }],
      ["support", { message: "Thanks", conversationId: "fe-1" }],
    ]);
  });

  it("keeps conversations apart and passes the abort signal", async () => {
    const chat = vi.fn<FifthElementChat>(async (_slug, body) => ({
      response: "ok",
      conversationId: `fe-${body.message}`,
    }));
    const agent = createFifthElementBridgeAgent({ chat, slug: "s" });
    await agent(turn(1, "a"), { signal });
    await agent(turn(2, "b"), { signal });
    await agent(turn(1, "c"), { signal });
    expect(chat.mock.calls[2]?.[1]).toEqual({ message: "c", conversationId: "fe-a" });
    expect(chat.mock.calls[2]?.[2].signal).toBe(signal);
  });

  it("forgets the oldest conversation beyond the cap", async () => {
    const chat = vi.fn<FifthElementChat>(async (_slug, body) => ({
      response: "ok",
      conversationId: `fe-${body.message}`,
    }));
    const agent = createFifthElementBridgeAgent({ chat, slug: "s", maxConversations: 1 });
    await agent(turn(1, "a"), { signal });
    await agent(turn(2, "b"), { signal });
    await agent(turn(1, "c"), { signal });
    expect(chat.mock.calls[2]?.[1]).toEqual({ message: "c" });
  });

  it("hands over on any upstream failure or empty answer", async () => {
    const errors: unknown[] = [];
    const failing = createFifthElementBridgeAgent({
      chat: async () => {
        throw new Error("503");
      },
      slug: "s",
      onError: (error) => errors.push(error),
    });
    expect(await failing(turn(1, "hi"), { signal })).toContain(HUMAN_HANDOVER);
    expect(errors).toHaveLength(1);
    const empty = createFifthElementBridgeAgent({
      chat: async () => ({ response: " ", conversationId: null }),
      slug: "s",
    });
    expect(await empty(turn(1, "hi"), { signal })).toContain(HUMAN_HANDOVER);
  });

  it("requires a slug", () => {
    expect(() => createFifthElementBridgeAgent({ chat: vi.fn(), slug: "" })).toThrow(/slug/);
  });
});
