// A reference agent that forwards the conversation to a Fifth Element AI agent. The chat call is
// injected, so this file does not depend on the client's module and is testable without network.
import { type Agent, latestMemberText } from "./agent.js";
import { handover } from "./handover.js";

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
  /** Conversations remembered (CAAC id → Fifth Element id); the oldest is forgotten first. Default: 10,000. */
  maxConversations?: number;
  /** Receives upstream failures (never the API key: the injected client owns it). */
  onError?: (error: unknown) => void;
  /** The text sent with a handover. */
  handoverText?: string;
};

/** Creates the bridge agent. On any upstream failure, the reply is a handover. */
export function createFifthElementBridgeAgent(options: FifthElementBridgeOptions): Agent {
  const { chat, slug } = options;
  if (slug.trim() === "")
    throw new TypeError("createFifthElementBridgeAgent: `slug` (the Fifth Element agent) is required.");
  const maxConversations = options.maxConversations ?? 10_000;
  const conversations = new Map<number, string>();

  return async (conversation, { signal }) => {
    const text = latestMemberText(conversation);
    if (text === undefined) return handover(options.handoverText);
    const caacId = conversation.conversationId;
    const upstreamId = caacId === undefined ? undefined : conversations.get(caacId);
    // The prompt configured in CAAC is context for the whole conversation: send it once, first.
    const message =
      upstreamId === undefined && conversation.prompt?.trim()
        ? `${conversation.prompt.trim()}\n\n${text}`
        : text;
    try {
      const result = await chat(
        slug,
        upstreamId === undefined ? { message } : { message, conversationId: upstreamId },
        {
          signal,
        },
      );
      if (caacId !== undefined && result.conversationId) {
        conversations.delete(caacId);
        conversations.set(caacId, result.conversationId);
        if (conversations.size > maxConversations) {
          const oldest = conversations.keys().next().value;
          if (oldest !== undefined) conversations.delete(oldest);
        }
      }
      if (typeof result.response !== "string" || result.response.trim() === "")
        return handover(options.handoverText);
      return result.response;
    } catch (error) {
      options.onError?.(error);
      return handover(options.handoverText);
    }
  };
}
