// Calling the agent: its signal (aborted when the caller goes away or the deadline passes), the
// race against the deadline, and the fallback reply when the agent is late, throws or returns
// nothing usable.
import {
  type AgentContext,
  type AgentReply,
  type AgentRequestBody,
  type Conversation,
  toConversation,
} from "./agent.js";
import type { AgentHandlerOptions, FallbackReason, Logger } from "./handler.js";
import { handover } from "./handover.js";
import { describe, type Respond } from "./reply.js";
import type { Reply, RequestInput } from "./request-input.js";

/** The default fallback reply. */
export const DEFAULT_FALLBACK = handover(
  "Sorry, I can't answer that right now. Let me connect you with a member of our team.",
);

/** What {@link createAgentCall} needs from the handler's options. */
export type AgentCallSettings = {
  options: AgentHandlerOptions;
  deadlineMs: number;
  logger: Logger;
  redact: (text: string) => string;
  respond: Respond;
};

/** Makes `answer`: the agent's reply (or the fallback) for a conversation, as a spec-checked reply. */
export function createAgentCall({ options, deadlineMs, logger, redact, respond }: AgentCallSettings) {
  const fallbackText = (reason: FallbackReason, conversation: Conversation): string => {
    const { fallback } = options;
    if (typeof fallback === "function") {
      try {
        const text = fallback(reason, conversation);
        if (typeof text === "string" && text.trim() !== "") return text;
      } catch (error) {
        logger.error("caac-agent: the fallback function threw; sent the default fallback", {
          error: redact(describe(error)),
        });
      }
      return DEFAULT_FALLBACK;
    }
    return fallback ?? DEFAULT_FALLBACK;
  };

  /** The agent's reply (or the fallback) for a conversation. */
  const answer = (body: AgentRequestBody, started: number, input: RequestInput): Reply | Promise<Reply> => {
    const conversation = toConversation(body);
    // The agent's signal, made on first use (most synchronous agents never look at it): aborted
    // when the caller goes away or the deadline passes, including before it was made.
    let controller: AbortController | undefined;
    let unsubscribe: (() => void) | undefined;
    let abortReason: { reason: unknown } | undefined;
    // Once answered, the caller going away no longer concerns the agent.
    let settled = false;
    const context: AgentContext = {
      get signal() {
        if (!controller) {
          controller = new AbortController();
          if (abortReason) controller.abort(abortReason.reason);
          else if (!settled) {
            unsubscribe = input.onAbort((reason) => {
              abortReason ??= { reason };
              controller?.abort(reason);
            });
          }
        }
        return controller.signal;
      },
    };
    let result: AgentReply | Promise<AgentReply>;
    try {
      result = options.agent(conversation, context);
    } catch (error) {
      settled = true;
      unsubscribe?.();
      return settle({ kind: "error", error }, conversation);
    }
    if (!isThenable(result)) {
      // A synchronous agent: its reply always came before the deadline timer could have fired.
      settled = true;
      unsubscribe?.();
      return settle({ kind: "reply", reply: result }, conversation);
    }
    return (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<Outcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ kind: "deadline" }),
          Math.max(0, deadlineMs - (Date.now() - started)),
        );
      });
      // Both branches are handled, so an agent that fails after the deadline never becomes an
      // unhandled rejection.
      const work = Promise.resolve(result).then(
        (reply): Outcome => ({ kind: "reply", reply }),
        (error: unknown): Outcome => ({ kind: "error", error }),
      );
      const outcome = await Promise.race([work, deadline]);
      clearTimeout(timer);
      settled = true;
      unsubscribe?.();
      if (outcome.kind === "deadline") {
        const reason = new DOMException(`The agent did not answer within ${deadlineMs} ms.`, "TimeoutError");
        abortReason ??= { reason };
        controller?.abort(reason);
      }
      return settle(outcome, conversation);
    })();
  };

  const settle = (outcome: Outcome, conversation: Conversation): Reply => {
    const conversationId = conversation.conversationId;
    if (outcome.kind === "deadline") {
      logger.warn?.("caac-agent: the agent missed the deadline; sent the fallback", {
        conversationId,
        deadlineMs,
      });
      return respond(200, { reply_text: fallbackText("deadline", conversation) });
    }
    if (outcome.kind === "error") {
      logger.error("caac-agent: the agent threw; sent the fallback", {
        conversationId,
        error: redact(describe(outcome.error)),
      });
      return respond(200, { reply_text: fallbackText("error", conversation) });
    }
    const text = replyText(outcome.reply);
    if (text === undefined) {
      logger.error("caac-agent: the agent returned no usable reply; sent the fallback", {
        conversationId,
        reply: redact(describeReply(outcome.reply)),
      });
      return respond(200, { reply_text: fallbackText("invalid_reply", conversation) });
    }
    return respond(200, { reply_text: text });
  };

  return answer;
}

type Outcome = { kind: "reply"; reply: unknown } | { kind: "error"; error: unknown } | { kind: "deadline" };

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function replyText(reply: AgentReply | unknown): string | undefined {
  const text = isObject(reply) ? reply.replyText : reply;
  return typeof text === "string" && text.trim() !== "" ? text : undefined;
}

function describeReply(reply: unknown): string {
  try {
    return `${typeof reply} ${JSON.stringify(reply)?.slice(0, 200) ?? ""}`;
  } catch {
    return typeof reply;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
