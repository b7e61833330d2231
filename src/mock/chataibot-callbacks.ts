// The ChatAIBot mock calls the user's webhook back, as the platform's Events webhook does: a
// handshake when the webhook is configured (a POST carrying the token, answered 200 with the same
// token), then, after each conversation started and each visitor message sent to the mock, a
// `conversation_created` (for a start) and a `message_exchange` event carrying a bot reply, in the
// envelope `{"events": [{"event": {"type", "payload"}}]}`. The event payloads are not published
// by the vendor: their shape here is inferred (docs/mocks-and-contract.md says which parts).
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
  type: "conversation_created" | "message_exchange";
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
      const request = (exchange.requestBody ?? {}) as { message?: { data?: { body?: unknown } } };
      const visitorText = String(request.message?.data?.body ?? "");
      if (exchange.operationId === "conversations_create") {
        const response = (exchange.responseBody ?? {}) as {
          conversation?: { id?: unknown };
          contact?: unknown;
        };
        const conversationId = String(response.conversation?.id ?? "");
        const from = (exchange.requestBody as { from?: unknown } | undefined)?.from;
        deliver([
          {
            type: "conversation_created",
            payload: {
              conversation: response.conversation,
              contact: response.contact,
              visitor: from,
              message: request.message,
              created_at: platformTimestamp(),
            },
          },
          exchangeEvent(conversationId, request.message, reply(visitorText)),
        ]);
      } else if (exchange.operationId === "conversation_messages_create") {
        const conversationId = exchange.params.conversation_id ?? "";
        deliver([exchangeEvent(conversationId, request.message, reply(visitorText))]);
      }
    },
    settled: () => queue,
  };
}

/** A `message_exchange` event: the visitor's message and the bot's reply to it. */
function exchangeEvent(
  conversationId: string,
  visitorMessage: unknown,
  replyText: string,
): ChatAIBotMockEvent {
  return {
    type: "message_exchange",
    payload: {
      conversation_id: conversationId,
      in_reply_to: { from: { type: "VISITOR" }, ...(visitorMessage as object) },
      message: {
        id: messageId(),
        from: { type: "BOT" },
        type: "text",
        data: { body: replyText },
        created_at: platformTimestamp(),
      },
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
