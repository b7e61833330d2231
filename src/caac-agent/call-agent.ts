// Calling the agent under the deadline: its signal (aborted when the caller goes away or the
// deadline passes), the race against the deadline, and what came of it. Knows nothing of HTTP:
// the handler turns the outcome into a reply.
import type { Agent, AgentContext, AgentReply, Conversation } from "./agent.js";

/** What came of calling the agent. */
export type AgentOutcome =
  | { kind: "reply"; text: string }
  | { kind: "deadline" }
  | { kind: "error"; error: unknown }
  | { kind: "invalid_reply"; reply: unknown };

/** Who asked: tells when it goes away (at once if it already has); returns an unsubscribe function. */
export type Caller = { onAbort(abort: (reason: unknown) => void): () => void };

/**
 * The agent's context. A class with its getter on the prototype: the signal is made on first use
 * (most synchronous agents never look at it), and nothing per call is captured in a closure, so a
 * context outliving its call keeps only what it holds (and, once settled, no caller).
 */
class CallContext implements AgentContext {
  #controller: AbortController | undefined;
  #abortReason: { reason: unknown } | undefined;
  #caller: Caller | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(caller: Caller) {
    this.#caller = caller;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortReason) this.#controller.abort(this.#abortReason.reason);
      else if (this.#caller) this.#unsubscribe = this.#caller.onAbort((reason) => this.abort(reason));
    }
    return this.#controller.signal;
  }

  /** Aborts the signal (now or, if not made yet, when it is made). The first reason wins. */
  abort(reason: unknown): void {
    this.#abortReason ??= { reason };
    this.#controller?.abort(this.#abortReason.reason);
  }

  /** The call is over: the caller going away no longer concerns the agent. */
  settle(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#caller = undefined;
  }
}

/**
 * Calls `agent` and waits for its reply until `deadlineMs` after `startedAt` (a `Date.now()`
 * time). Synchronous agents are answered synchronously. Never throws or rejects.
 */
export function callAgent(
  agent: Agent,
  conversation: Conversation,
  caller: Caller,
  deadlineMs: number,
  startedAt: number,
): AgentOutcome | Promise<AgentOutcome> {
  const context = new CallContext(caller);
  let result: AgentReply | Promise<AgentReply>;
  try {
    result = agent(conversation, context);
  } catch (error) {
    context.settle();
    return { kind: "error", error };
  }
  let thenable: boolean;
  try {
    thenable = isThenable(result);
  } catch (error) {
    // A `then` getter (or a Proxy trap) that throws: the agent's failure, like any other.
    context.settle();
    return { kind: "error", error };
  }
  if (!thenable) {
    // A synchronous agent: its reply always came before the deadline timer could have fired.
    context.settle();
    return toOutcome(result);
  }
  return race(result as PromiseLike<unknown>, context, deadlineMs, startedAt);
}

async function race(
  result: PromiseLike<unknown>,
  context: CallContext,
  deadlineMs: number,
  startedAt: number,
): Promise<AgentOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), Math.max(0, deadlineMs - (Date.now() - startedAt)));
  });
  // Both branches are handled, so an agent that fails after the deadline never becomes an
  // unhandled rejection.
  const work = Promise.resolve(result).then(
    (reply): AgentOutcome => toOutcome(reply),
    (error: unknown): AgentOutcome => ({ kind: "error", error }),
  );
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);
  context.settle();
  if (outcome === "deadline") {
    context.abort(new DOMException(`The agent did not answer within ${deadlineMs} ms.`, "TimeoutError"));
    return { kind: "deadline" };
  }
  return outcome;
}

/** Reads the reply text; a reply that throws while being read (a getter, a Proxy) is the agent's error. */
function toOutcome(reply: unknown): AgentOutcome {
  try {
    const text = isObject(reply) ? reply.replyText : reply;
    return typeof text === "string" && text.trim() !== ""
      ? { kind: "reply", text }
      : { kind: "invalid_reply", reply };
  } catch (error) {
    return { kind: "error", error };
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
