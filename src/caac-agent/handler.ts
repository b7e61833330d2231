// The Web-standard request handler for CAAC's Self Hosted AI Agent endpoint. Runs wherever
// `Request`/`Response` and WebCrypto exist (Node, Bun, Deno, Workers, Next.js, Hono): no node:
// imports here or in anything this file imports.
import {
  type Agent,
  type AgentContext,
  type AgentReply,
  type AgentRequestBody,
  type Conversation,
  toConversation,
} from "./agent.js";
import { createTokenChecker } from "./auth.js";
import { readBodyBytes } from "./body.js";
import { handover } from "./handover.js";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem.js";
import {
  CAAC_TIMEOUT_SECONDS,
  fieldErrors,
  responseValidator,
  SUPPORTED_VERSIONS,
  validateRequest,
} from "./spec.js";

/** Where the handler reports agent failures and its own bugs. Never receives a token. */
export type Logger = {
  error(message: string, details?: Record<string, unknown>): void;
  warn?(message: string, details?: Record<string, unknown>): void;
};

/** Why the fallback reply was sent instead of the agent's. */
export type FallbackReason = "deadline" | "error" | "invalid_reply";

/** Options of {@link createAgentHandler}. */
export type AgentHandlerOptions = (
  | { /** The bearer token configured in CAAC. */ token: string; tokens?: never }
  | { /** Accepted bearer tokens; more than one while rotating. */ tokens: readonly string[]; token?: never }
) & {
  /** Produces the reply for a conversation. */
  agent: Agent;
  /** Time from receiving the request to answering, after which the fallback is sent. Default: CAAC's 45 s minus 5 s. */
  deadlineMs?: number;
  /** The reply when the agent is late, throws or returns nothing usable. Default: an apology plus `<HUMAN_HANDOVER>`. */
  fallback?: string | ((reason: FallbackReason, conversation: Conversation) => string);
  /** Largest accepted request body in bytes. Default: 1 MiB. */
  maxBodyBytes?: number;
  /** Receives agent failures. Default: `console`. */
  logger?: Logger;
  /** The reply to health checks (`conversation_id: 0`). Default: `"OK"`. */
  healthReply?: string;
};

/** The margin kept between the handler's deadline and CAAC's timeout, for network and queuing. */
export const DEADLINE_SAFETY_MARGIN_MS = 5_000;
/** The default deadline: CAAC's timeout from the spec minus the safety margin (40 s). */
export const DEFAULT_DEADLINE_MS = CAAC_TIMEOUT_SECONDS * 1000 - DEADLINE_SAFETY_MARGIN_MS;
/** The default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The default fallback reply. */
export const DEFAULT_FALLBACK = handover(
  "Sorry, I can't answer that right now. Let me connect you with a member of our team.",
);

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * What the handler needs from a request, whatever carries it: a Web `Request` or, inside
 * {@link serveAgent}, Node's `IncomingMessage` directly (no `Request`, `URL` or web stream built).
 * Internal: both paths go through the same checks in the same order, so they answer alike.
 */
export type RequestInput = {
  method: string;
  authorization: string | null;
  contentType: string | null;
  contentLength: string | null;
  /** Reads the body, stopping (and abandoning the rest) once more than `maxBytes` arrived: then undefined. Rejects if the body cannot be read (e.g. the client went away). */
  readBody(maxBytes: number): Promise<Uint8Array | undefined>;
  /** Abandons the body unread. */
  discard(): void | Promise<void>;
  /** Calls `abort` once the caller goes away (at once if it already has); returns an unsubscribe function. */
  onAbort(abort: (reason: unknown) => void): () => void;
};

/** A reply, ready to write: the body is the JSON text; `headers` includes `content-type`. */
export type Reply = { status: number; headers: Record<string, string>; body: string };

/**
 * The key of the internal entry `(input: RequestInput) => Promise<Reply>` that
 * {@link createAgentHandler}'s function carries (non-enumerable), used by serveAgent on Node.
 */
export const HANDLE_INPUT: unique symbol = Symbol("caac-agent.handleInput");

/** The function {@link createAgentHandler} returns, with its internal entry. */
export type InputHandler = (input: RequestInput) => Reply | Promise<Reply>;

/** Creates the endpoint: `(request) => Promise<Response>`, never rejecting. */
export function createAgentHandler(options: AgentHandlerOptions): (request: Request) => Promise<Response> {
  const tokens = options.tokens ?? (options.token === undefined ? [] : [options.token]);
  const checkToken = createTokenChecker(tokens);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isFinite(deadlineMs) && deadlineMs > 0)) {
    throw new TypeError(
      `createAgentHandler: deadlineMs must be a positive number of milliseconds, got ${deadlineMs}.`,
    );
  }
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new TypeError(`createAgentHandler: maxBodyBytes must be a positive integer, got ${maxBodyBytes}.`);
  }
  const logger: Logger = options.logger ?? console;
  const healthReply = options.healthReply ?? "OK";
  // Tokens are never logged, but an agent's error message might echo one back (e.g. from a header dump).
  const redact = (text: string) => tokens.reduce((out, token) => out.split(token).join("[redacted]"), text);

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

  // The validator per status, looked up once (the content type follows from the status).
  const validators = new Map<number, ReturnType<typeof responseValidator>>();
  const validatorFor = (status: number, contentType: string) => {
    if (!validators.has(status)) validators.set(status, responseValidator(status, contentType));
    return validators.get(status);
  };

  /** A JSON body after checking it against the spec's schema for that status. */
  const respond = (status: number, body: unknown, headers?: Record<string, string>): Reply => {
    const contentType = status === 200 ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
    const validate = validatorFor(status, contentType);
    if (!validate?.(body)) {
      logger.error("caac-agent: a response did not match the spec; sent 500 instead", {
        status,
        errors: fieldErrors(validate?.errors),
      });
      return internalError("The agent produced a response that does not match the spec.");
    }
    return {
      status,
      headers: headers ? { ...headers, "content-type": contentType } : { "content-type": contentType },
      body: JSON.stringify(body),
    };
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

  const tooLarge = () => respond(413, problem(413, `The request body exceeds ${maxBodyBytes} bytes.`));

  /** Abandons the body, then answers with `next()`. */
  const discardThen = (input: RequestInput, next: () => Reply): Reply | Promise<Reply> => {
    const pending = input.discard();
    return pending ? pending.then(next, next).catch(failed) : next();
  };

  /** Everything after the body has been read. */
  const handleBody = (bytes: Uint8Array | undefined, started: number, input: RequestInput) => {
    if (bytes === undefined) return tooLarge();
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(bytes));
    } catch (error) {
      return respond(
        400,
        problem(400, "The body is not valid JSON.", [{ field: "", message: describe(error).slice(0, 200) }]),
      );
    }
    if (isObject(body) && "version" in body && !SUPPORTED_VERSIONS.includes(body.version as string)) {
      const supported = SUPPORTED_VERSIONS.map((v) => JSON.stringify(v)).join(", ");
      return respond(
        400,
        problem(
          400,
          `Unsupported version ${JSON.stringify(body.version)}; supported versions: ${supported}.`,
          [{ field: "/version", message: `must be one of: ${supported}` }],
        ),
      );
    }
    if (!validateRequest(body)) {
      const errors = fieldErrors(validateRequest.errors);
      return respond(
        400,
        problem(
          400,
          `The request does not match the spec: ${errors.map((e) => `${e.field || "(body)"} ${e.message}`).join("; ")}.`,
          errors,
        ),
      );
    }
    const valid = body as AgentRequestBody;
    if (valid.conversation_id === 0) return respond(200, { reply_text: healthReply });
    return answer(valid, started, input);
  };

  /** A body that could not be read: the client went away (or sent a broken stream); not a runtime bug. */
  const unreadable = (error: unknown): Reply => {
    logger.warn?.("caac-agent: the request body could not be read (the client closed the connection?)", {
      error: redact(describe(error)),
    });
    return respond(400, problem(400, "The request body could not be read."));
  };

  const handle = (input: RequestInput): Reply | Promise<Reply> => {
    const started = Date.now();
    if (input.method !== "POST") {
      return discardThen(input, () =>
        respond(405, problem(405, `Use POST; this endpoint does not answer ${input.method}.`), {
          allow: "POST",
        }),
      );
    }
    if (!checkToken(input.authorization)) {
      return discardThen(input, () =>
        respond(
          401,
          problem(
            401,
            "A valid bearer token is required: send `Authorization: Bearer <token>` with the token configured in CAAC.",
          ),
          { "www-authenticate": 'Bearer realm="caac-ai-agent"' },
        ),
      );
    }
    if (!isJson(input.contentType)) {
      return discardThen(input, () =>
        respond(415, problem(415, "Send the conversation as application/json.")),
      );
    }
    const declared = input.contentLength;
    if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBodyBytes) {
      return discardThen(input, tooLarge);
    }
    return input.readBody(maxBodyBytes).then(
      (bytes) => {
        try {
          const reply = handleBody(bytes, started, input);
          return isThenable(reply) ? Promise.resolve(reply).catch(failed) : reply;
        } catch (error) {
          return failed(error);
        }
      },
      (error: unknown) => {
        try {
          return unreadable(error);
        } catch (bug) {
          return failed(bug);
        }
      },
    );
  };

  const failed = (error: unknown): Reply => {
    // Only a bug in this runtime (not the agent, not the client) lands here.
    logger.error("caac-agent: the handler failed", { error: redact(describe(error)) });
    return internalError("The agent endpoint failed unexpectedly.");
  };

  /** The shared entry of both paths; never throws or rejects. */
  const handleInput: InputHandler = (input) => {
    try {
      // Every asynchronous branch of `handle` catches its own failures.
      return handle(input);
    } catch (error) {
      return failed(error);
    }
  };

  const handler = async (request: Request): Promise<Response> => {
    const reply = await handleInput(fromRequest(request));
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
  Object.defineProperty(handler, HANDLE_INPUT, { value: handleInput });
  return handler;
}

type Outcome = { kind: "reply"; reply: unknown } | { kind: "error"; error: unknown } | { kind: "deadline" };

const decoder = new TextDecoder();

function internalError(detail: string): Reply {
  return {
    status: 500,
    headers: { "content-type": PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem(500, detail)),
  };
}

/** The fields the handler reads from a Web `Request`. */
function fromRequest(request: Request): RequestInput {
  const { headers, signal } = request;
  return {
    method: request.method,
    authorization: headers.get("authorization"),
    contentType: headers.get("content-type"),
    contentLength: headers.get("content-length"),
    readBody: (maxBytes) => readBodyBytes(request, maxBytes),
    discard: () => discard(request),
    onAbort: (abort) => {
      const listener = () => abort(signal.reason);
      if (signal.aborted) {
        listener();
        return () => {};
      }
      signal.addEventListener("abort", listener, { once: true });
      return () => signal.removeEventListener("abort", listener);
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isJson(contentType: string | null): boolean {
  if (contentType === "application/json") return true;
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^application\/[\w.-]+\+json$/.test(media);
}

async function discard(request: Request): Promise<void> {
  await request.body?.cancel().catch(() => {});
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function describeReply(reply: unknown): string {
  try {
    return `${typeof reply} ${JSON.stringify(reply)?.slice(0, 200) ?? ""}`;
  } catch {
    return typeof reply;
  }
}
