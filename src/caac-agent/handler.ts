// The Web-standard request handler for CAAC's Self Hosted AI Agent endpoint. Runs wherever
// `Request`/`Response` and WebCrypto exist (Node, Bun, Deno, Workers, Next.js, Hono): no node:
// imports here or in anything this file imports.
import {
  type Agent,
  type AgentReply,
  type AgentRequestBody,
  type Conversation,
  toConversation,
} from "./agent.js";
import { createTokenChecker } from "./auth.js";
import { readBody } from "./body.js";
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

  /** Sends a JSON body after checking it against the spec's schema for that status. */
  const respond = (status: number, body: unknown, headers: Record<string, string> = {}): Response => {
    const contentType = status === 200 ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
    const validate = responseValidator(status, contentType);
    if (!validate?.(body)) {
      logger.error("caac-agent: a response did not match the spec; sent 500 instead", {
        status,
        errors: fieldErrors(validate?.errors),
      });
      return json(
        500,
        problem(500, "The agent produced a response that does not match the spec."),
        PROBLEM_CONTENT_TYPE,
      );
    }
    return json(status, body, contentType, headers);
  };

  const answer = async (body: AgentRequestBody, started: number, request: Request): Promise<Response> => {
    const conversation = toConversation(body);
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) forwardAbort();
    else request.signal.addEventListener("abort", forwardAbort, { once: true });

    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<{ kind: "deadline" }>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: "deadline" }),
        Math.max(0, deadlineMs - (Date.now() - started)),
      );
    });
    // The async wrapper turns a synchronous throw into a rejection; both branches are handled, so
    // an agent that fails after the deadline never becomes an unhandled rejection.
    const work = (async () => options.agent(conversation, { signal: controller.signal }))().then(
      (reply) => ({ kind: "reply" as const, reply }),
      (error: unknown) => ({ kind: "error" as const, error }),
    );
    const outcome = await Promise.race([work, deadline]);
    clearTimeout(timer);
    request.signal.removeEventListener("abort", forwardAbort);

    const conversationId = conversation.conversationId;
    if (outcome.kind === "deadline") {
      controller.abort(new DOMException(`The agent did not answer within ${deadlineMs} ms.`, "TimeoutError"));
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

  const handle = async (request: Request): Promise<Response> => {
    const started = Date.now();
    if (request.method !== "POST") {
      await discard(request);
      return respond(405, problem(405, `Use POST; this endpoint does not answer ${request.method}.`), {
        allow: "POST",
      });
    }
    if (!(await checkToken(request.headers.get("authorization")))) {
      await discard(request);
      return respond(
        401,
        problem(
          401,
          "A valid bearer token is required: send `Authorization: Bearer <token>` with the token configured in CAAC.",
        ),
        { "www-authenticate": 'Bearer realm="caac-ai-agent"' },
      );
    }
    if (!isJson(request.headers.get("content-type"))) {
      await discard(request);
      return respond(415, problem(415, "Send the conversation as application/json."));
    }
    const read = await readBody(request, maxBodyBytes);
    if (!read.ok) {
      return respond(413, problem(413, `The request body exceeds ${maxBodyBytes} bytes.`));
    }
    let body: unknown;
    try {
      body = JSON.parse(read.text);
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
    return answer(valid, started, request);
  };

  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      // Only a bug in this runtime (not the agent) lands here.
      logger.error("caac-agent: the handler failed", { error: redact(describe(error)) });
      return json(500, problem(500, "The agent endpoint failed unexpectedly."), PROBLEM_CONTENT_TYPE);
    }
  };
}

function json(
  status: number,
  body: unknown,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...headers, "content-type": contentType } });
}

function replyText(reply: AgentReply | unknown): string | undefined {
  const text = isObject(reply) ? reply.replyText : reply;
  return typeof text === "string" && text.trim() !== "" ? text : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isJson(contentType: string | null): boolean {
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
