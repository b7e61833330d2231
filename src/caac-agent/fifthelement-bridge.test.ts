import { describe, expect, it, vi } from "vitest";
import { caacRequest, seedBody, TOKEN } from "../test-support/caac-requests.js";
import type { Conversation } from "./agent.js";
import { createFifthElementBridgeAgent, type FifthElementChat } from "./fifthelement-bridge.js";
import { createAgentHandler } from "./handler.js";
import { HUMAN_HANDOVER } from "./handover.js";
import type { ConversationStore } from "./store.js";
import type { StoreHealthReport } from "./store-guard.js";
import { createMemoryConversationStore } from "./store-memory.js";

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

  it("rejects maxConversations together with a store, and a bad storeTimeoutMs, naming the option", () => {
    const store = createMemoryConversationStore();
    expect(() =>
      createFifthElementBridgeAgent({ chat: vi.fn(), slug: "s", store, maxConversations: 5 }),
    ).toThrow(/maxConversations/);
    expect(() => createFifthElementBridgeAgent({ chat: vi.fn(), slug: "s", storeTimeoutMs: 0 })).toThrow(
      /storeTimeoutMs must be a positive number/,
    );
  });
});

describe("createFifthElementBridgeAgent with a shared store", () => {
  const countingChat = () => {
    let created = 0;
    const chat = vi.fn<FifthElementChat>(async (_slug, body) => ({
      response: "ok",
      conversationId: body.conversationId ?? `fe-${++created}`,
    }));
    return { chat, created: () => created };
  };

  it("keeps one upstream conversation when turns alternate between two replicas", async () => {
    const store = createMemoryConversationStore();
    const { chat, created } = countingChat();
    const replicas = [
      createFifthElementBridgeAgent({ chat, slug: "s", store }),
      createFifthElementBridgeAgent({ chat, slug: "s", store }),
    ];
    for (let i = 0; i < 6; i++) await replicas[i % 2]?.(turn(i < 3 ? 1 : 2, `m${i}`, "Be kind."), { signal });
    expect(created()).toBe(2);
    expect(chat.mock.calls.map(([, body]) => body.conversationId)).toEqual([
      undefined,
      "fe-1",
      "fe-1",
      undefined,
      "fe-2",
      "fe-2",
    ]);
  });

  it("namespaces keys by slug, so bridges to different agents can share a store", async () => {
    const store = createMemoryConversationStore();
    const { chat } = countingChat();
    await createFifthElementBridgeAgent({ chat, slug: "sales", store })(turn(1, "a"), { signal });
    await createFifthElementBridgeAgent({ chat, slug: "support", store })(turn(1, "b"), { signal });
    expect(chat.mock.calls[1]?.[1]).toEqual({ message: "b" });
    expect(store.get("sales:1")).toBe("fe-1");
    expect(store.get("support:1")).toBe("fe-2");
  });

  it("goes on without the mapping when the store fails, primes the new conversation, reports once", async () => {
    const reports: StoreHealthReport[] = [];
    const dead: ConversationStore = {
      get: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
      },
      set: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
      },
      close: () => {},
    };
    const { chat } = countingChat();
    const agent = createFifthElementBridgeAgent({
      chat,
      slug: "s",
      store: dead,
      onStoreReport: (report) => reports.push(report),
    });
    for (let i = 0; i < 5; i++) expect(await agent(turn(1, `m${i}`, "Be kind."), { signal })).toBe("ok");
    expect(chat.mock.calls.every(([, body]) => body.message.startsWith("Be kind.\n\n"))).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ kind: "outage", failures: 1 });
  });

  it("answers before the handler's deadline, with the agent's reply, when the store hangs", async () => {
    vi.useFakeTimers();
    try {
      const hung: ConversationStore = {
        get: () => new Promise(() => {}),
        set: () => new Promise(() => {}),
        close() {},
      };
      const { chat } = countingChat();
      const handler = createAgentHandler({
        token: TOKEN,
        deadlineMs: 2_000,
        logger: { error: () => {}, warn: () => {} },
        agent: createFifthElementBridgeAgent({ chat, slug: "s", store: hung, storeTimeoutMs: 300 }),
      });
      let settled: Response | undefined;
      void handler(caacRequest({ ...seedBody, conversation_id: 42 })).then((response) => {
        settled = response;
      });
      // One bounded get and one bounded set: 600 ms, well inside the 2 s deadline.
      await vi.advanceTimersByTimeAsync(599);
      expect(settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(settled?.status).toBe(200);
      expect(await settled?.json()).toEqual({ reply_text: "ok" });
      expect(chat).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });
});
