// A reference agent that forwards the conversation to a Fifth Element AI agent. The chat call is
// injected, so this file does not depend on the client's module and is testable without network.
// The map "CAAC conversation → Fifth Element conversation" lives in a ConversationStore: memory by
// default (one process), a shared store (Redis) when several replicas serve the same endpoint.
import { type Agent, latestMemberText } from "./agent.js";
import { handover } from "./handover.js";
import type { ConversationStore } from "./store.js";
import {
  DEFAULT_STORE_REPORT_INTERVAL_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  guardStore,
  type StoreHealthReport,
} from "./store-guard.js";
import { createMemoryConversationStore } from "./store-memory.js";

/** The one Fifth Element call the bridge needs (the client's `chat`, non-streaming). */
export type FifthElementChat = (
  slug: string,
  body: { message: string; conversationId?: string },
  options: { signal: AbortSignal },
) => Promise<{ response: string; conversationId: string | null }>;

/** Options of {@link createFifthElementBridgeAgent}. */
export type FifthElementBridgeOptions = {
  /** Sends one message to a Fifth Element agent. */
  chat: FifthElementChat;
  /** The Fifth Element agent's slug. */
  slug: string;
  /**
   * Where the CAAC → Fifth Element conversation map is kept. Default: this process's memory
   * (`maxConversations` entries, one day each). Share one store (e.g. Redis) between replicas.
   */
  store?: ConversationStore;
  /** Entries of the default in-memory store; the oldest is forgotten first. Default: 10,000. */
  maxConversations?: number;
  /** Bound of each store call; past it the turn goes on without the mapping. Default: 500 ms. */
  storeTimeoutMs?: number;
  /** Shortest time between two store outage reports. Default: 60 s. */
  storeReportIntervalMs?: number;
  /** Receives store outages (at most once per interval) and recoveries. */
  onStoreReport?: (report: StoreHealthReport) => void;
  /** Receives upstream failures (never the API key: the injected client owns it). */
  onError?: (error: unknown) => void;
  /** The text sent with a handover. */
  handoverText?: string;
};

/**
 * Creates the bridge agent. On any upstream failure, the reply is a handover. When the store fails
 * or is slow, the turn goes on without the mapping (a new Fifth Element conversation, primed with
 * the CAAC prompt) rather than handing over: an outage of the store degrades memory, it does not
 * send every customer to a human.
 */
export function createFifthElementBridgeAgent(options: FifthElementBridgeOptions): Agent {
  const { chat, slug } = options;
  if (slug.trim() === "")
    throw new TypeError("createFifthElementBridgeAgent: `slug` (the Fifth Element agent) is required.");
  if (options.store !== undefined && options.maxConversations !== undefined) {
    throw new TypeError(
      "createFifthElementBridgeAgent: `maxConversations` sizes the default in-memory store; with `store`, size that store instead.",
    );
  }
  const storeTimeoutMs = options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  if (!(Number.isFinite(storeTimeoutMs) && storeTimeoutMs > 0)) {
    throw new TypeError(
      `createFifthElementBridgeAgent: storeTimeoutMs must be a positive number of milliseconds, got ${storeTimeoutMs}.`,
    );
  }
  const store =
    options.store ??
    createMemoryConversationStore(
      options.maxConversations === undefined ? {} : { maxEntries: options.maxConversations },
    );
  const conversations = guardStore({
    store,
    timeoutMs: storeTimeoutMs,
    reportIntervalMs: options.storeReportIntervalMs ?? DEFAULT_STORE_REPORT_INTERVAL_MS,
    ...(options.onStoreReport ? { onReport: options.onStoreReport } : {}),
  });

  return async (conversation, { signal }) => {
    const text = latestMemberText(conversation);
    if (text === undefined) return handover(options.handoverText);
    const caacId = conversation.conversationId;
    // The slug is part of the key, so bridges to different agents can share one store.
    const key = caacId === undefined ? undefined : `${slug}:${caacId}`;
    const upstreamId = key === undefined ? undefined : await conversations.get(key, signal);
    // The prompt configured in CAAC is context for the whole conversation: send it once, first.
    const message =
      upstreamId === undefined && conversation.prompt?.trim()
        ? `${conversation.prompt.trim()}\n\n${text}`
        : text;
    let result: Awaited<ReturnType<FifthElementChat>>;
    try {
      result = await chat(
        slug,
        upstreamId === undefined ? { message } : { message, conversationId: upstreamId },
        {
          signal,
        },
      );
    } catch (error) {
      options.onError?.(error);
      return handover(options.handoverText);
    }
    // Written on every turn, so that the store's TTL counts from the latest turn.
    if (key !== undefined && result.conversationId)
      await conversations.set(key, result.conversationId, signal);
    if (typeof result.response !== "string" || result.response.trim() === "")
      return handover(options.handoverText);
    return result.response;
  };
}
