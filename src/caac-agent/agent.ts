// The contract between the runtime and an agent: typed input derived from the generated spec
// types, the reply forms an agent may return, and where the runtime reports what happened.
import type { components } from "../../generated/caac-agent.js";

type Schemas = components["schemas"];

/** The request body CAAC sends, exactly as the spec types it. */
export type AgentRequestBody = Schemas["payload_SelfHostedAIAgentRequest"];
/** One message of the conversation. */
export type ConversationMessage = Schemas["payload_SelfHostedAIAgentMessage"];
/** The participants of the conversation. */
export type ConversationParticipants = Schemas["payload_SelfHostedAIAgentParticipants"];
/** One end customer (member). */
export type ConversationMember = Schemas["payload_SelfHostedAIAgentMember"];
/** The response body the runtime sends. */
export type AgentResponseBody = Schemas["payload_SelfHostedAIAgentResponse"];

/** What an agent receives: the validated request, in camelCase, plus the raw body. */
export type Conversation = {
  /** The CAAC conversation ID; undefined when CAAC sent none. Never 0: health checks skip the agent. */
  conversationId: number | undefined;
  /** The messages, oldest first. */
  messages: ConversationMessage[];
  /** The participants (end customers). */
  participants: ConversationParticipants;
  /** The prompt configured in the CAAC platform, if any. */
  prompt: string | undefined;
  /** The customer's CAAC organization UUID, if sent. */
  orgUuid: string | undefined;
  /** The whole validated body, including fields CAAC may add within version 1.0. */
  raw: AgentRequestBody;
};

/** What an agent returns: the reply text, or `{ replyText }`. */
export type AgentReply = string | { replyText: string };

/** Per-call context given to the agent. */
export type AgentContext = {
  /** Aborted when the deadline passes or the caller goes away; stop work and return. */
  signal: AbortSignal;
};

/** An agent: answers a conversation before its signal aborts. May be sync or async. */
export type Agent = (conversation: Conversation, context: AgentContext) => AgentReply | Promise<AgentReply>;

/** Why the fallback reply was sent instead of the agent's. */
export type FallbackReason = "deadline" | "error" | "invalid_reply";

/**
 * Where the handler reports what happened; never receives a token. `error`: agent failures (with
 * stack and cause) and the runtime's own bugs; `warn`: missed deadlines, drift, unreadable
 * bodies; `info`: the access log, one line per rejected request.
 */
export type Logger = {
  error(message: string, details?: Record<string, unknown>): void;
  warn?(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
};

/** Builds the agent's input from a request body that has passed validation. */
export function toConversation(body: AgentRequestBody): Conversation {
  return {
    conversationId: body.conversation_id,
    messages: body.messages,
    participants: body.participants,
    prompt: body.prompt,
    orgUuid: body.org_uuid,
    raw: body,
  };
}

/** The latest text sent by an end customer (`sender_type: member`), if any. */
export function latestMemberText(conversation: Pick<Conversation, "messages">): string | undefined {
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    const message = conversation.messages[i];
    if (message?.sender_type === "member" && typeof message.text === "string" && message.text.trim() !== "") {
      return message.text;
    }
  }
  return undefined;
}
