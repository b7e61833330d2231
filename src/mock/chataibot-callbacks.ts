// The ChatAIBot mock calls the user's webhook back, as the platform's Events webhook does: a
// handshake when the webhook is configured (a POST carrying the token, answered 200 with the same
// token), then, after each conversation started and each visitor message sent to the mock, a
// `conversation_create` (for a start) and a `message_exchange` event carrying a bot reply, in the
// envelope `{"events": [{"event": {"type", "payload"}}]}`. Types and payloads follow the receiver
// spec (specs/chataibot-webhook on the vendor branch): `conversation_create` and its payload are
// published by the platform, `message_exchange` and its payload are inferred.
import { randomBytes } from "node:crypto";
import type { MockExchange } from "./mock-front.js";

/** Where and how the ChatAIBot mock delivers its events. */
export interface ChatAIBotWebhookOptions {
  /** The user's receiver, e.g. `http://127.0.0.1:3000/chataibot/events`. */
  url: string;
  /** The webhook token: sent in the handshake and with every delivery; never logged. */
  token: string;
  /** The bot's answer to a visitor message (default: a canned reply quoting it). */
  reply?: ((visitorText: string) => string) | undefined;
  /** Called when a delivery fails (default: a one-line warning on stderr, without the token). */
  onDeliveryError?: ((error: Error) => void) | undefined;
  /** Cap per request to the receiver, in ms (default 10 000). */
  timeoutMs?: number | undefined;
}

/** One event as delivered inside the envelope. */
export interface ChatAIBotMockEvent {
  type: "conversation_create" | "message_exchange";
  payload: Record<string, unknown>;
}

/** The running callbacks of one ChatAIBot mock. */
export interface ChatAIBotCallbacks {
  /** Observes the mock's exchanges and queues the events they cause. */
  onExchange(exchange: MockExchange): void;
  /** Resolves once every queued delivery has been attempted. */
  settled(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export const defaultBotReply = (visitorText: string): string =>
  `Thanks for your message! You wrote: "${visitorText}". How else can I help?`;

/**
 * Performs the handshake: POSTs `{"token": …}` to the receiver and expects 200 with the same
 * token back (as the body, or as a `token` field of a JSON body). Rejects with what was wrong.
 */
export async function chataibotHandshake(options: ChatAIBotWebhookOptions): Promise<void> {
  const where = `chataibot webhook handshake with ${safeUrl(options.url)}`;
  let response: Response;
  try {
    response = await post(options, { token: options.token });
  } catch (error) {
    throw new Error(`${where} failed: ${(error as Error).message}`);
  }
  const text = (await response.text()).trim();
  if (response.status !== 200) throw new Error(`${where}: expected status 200, got ${response.status}`);
  let echoed: unknown = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    echoed = parsed !== null && typeof parsed === "object" ? (parsed as { token?: unknown }).token : parsed;
  } catch {
    // A plain-text echo of the token.
  }
  if (echoed !== options.token) {
    throw new Error(`${where}: the response did not echo the token (as the body or a JSON "token" field)`);
  }
}

/** Creates the callbacks; deliveries go out one at a time, in the order the exchanges happened. */
export function createChatAIBotCallbacks(options: ChatAIBotWebhookOptions): ChatAIBotCallbacks {
  const reply = options.reply ?? defaultBotReply;
  const onError =
    options.onDeliveryError ?? ((error: Error) => process.stderr.write(`mock: ${error.message}\n`));
  let queue: Promise<void> = Promise.resolve();

  const deliver = (events: ChatAIBotMockEvent[]) => {
    queue = queue.then(async () => {
      const types = events.map((e) => e.type).join(", ");
      try {
        const response = await post(options, {
          token: options.token,
          events: events.map((event) => ({ event })),
        });
        await response.arrayBuffer();
        if (response.status < 200 || response.status > 299) {
          throw new Error(`the receiver answered ${response.status}`);
        }
      } catch (error) {
        onError(
          new Error(
            `chataibot webhook delivery of ${types} to ${safeUrl(options.url)} failed: ${(error as Error).message}`,
          ),
        );
      }
    });
  };

  return {
    onExchange(exchange) {
      if (exchange.status < 200 || exchange.status > 299) return;
      const request = (exchange.requestBody ?? {}) as StartRequest;
      const visitorText = String(request.message?.data?.body ?? "");
      if (exchange.operationId === "conversations_create") {
        const response = (exchange.responseBody ?? {}) as StartResponse;
        const conversationId = String(response.conversation?.id ?? "");
        const bot = response.conversation?.assignee;
        deliver([
          { type: "conversation_create", payload: conversationCreatePayload(request, response) },
          exchangeEvent(conversationId, bot?.id, reply(visitorText)),
        ]);
      } else if (exchange.operationId === "conversation_messages_create") {
        const conversationId = exchange.params.conversation_id ?? "";
        deliver([exchangeEvent(conversationId, undefined, reply(visitorText))]);
      }
    },
    settled: () => queue,
  };
}

type StartRequest = {
  message?: { data?: { body?: unknown } };
  from?: { user_external_id?: unknown };
  variables?: { system?: Record<string, unknown>; contact?: Record<string, unknown> };
};
type StartResponse = {
  conversation?: { id?: unknown; created_at?: unknown; assignee?: { id?: string; to?: string } };
};

/** The published `conversation_create` payload, filled from the start request and the mock's answer. */
function conversationCreatePayload(request: StartRequest, response: StartResponse): Record<string, unknown> {
  const { conversation } = response;
  const variables = [
    ...Object.entries(request.variables?.system ?? {}),
    ...Object.entries(request.variables?.contact ?? {}).map(
      ([name, value]) => [`contact_${name}`, value] as const,
    ),
  ].map(([name, value]) => ({ type: "text", name, value }));
  return {
    external_key: String(conversation?.id ?? ""),
    title: `Visitor - ${String(request.from?.user_external_id ?? "")}`,
    created_at: typeof conversation?.created_at === "string" ? conversation.created_at : platformTimestamp(),
    assigned_to_user: { id: conversation?.assignee?.id, email: conversation?.assignee?.to, type: "bot" },
    is_new_visitor: true,
    is_closed: 0,
    variables,
  };
}

/** A `message_exchange` event carrying the bot's reply (the payload is inferred). */
function exchangeEvent(
  conversationId: string,
  botId: string | undefined,
  replyText: string,
): ChatAIBotMockEvent {
  return {
    type: "message_exchange",
    payload: {
      conversation_id: conversationId,
      message_id: messageId(),
      created_at: platformTimestamp(),
      sender: { type: "bot", ...(botId ? { id: botId } : {}) },
      message: { type: "text", data: { body: replyText } },
    },
  };
}

async function post(options: ChatAIBotWebhookOptions, body: unknown): Promise<Response> {
  return fetch(options.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
    body: JSON.stringify(body),
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
}

/** The URL without credentials or query, which may carry secrets, for messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(an invalid URL)";
  }
}

/** The platform's own timestamp style (`2025-02-10 20:21:03.913000`, UTC), as in its responses. */
function platformTimestamp(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace("T", " ")}.${String(now.getUTCMilliseconds()).padStart(3, "0")}000`;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An id in the style of the platform's message ids (32 letters and digits). */
function messageId(): string {
  return [...randomBytes(32)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join("");
}
