// The Web-standard request handler for CAAC's Self Hosted AI Agent endpoint: its options, the
// request checks in the order both serving paths apply them (method, token, content type,
// declared size, then the body: size limit, JSON, version, schema), and the replies. Runs wherever
// `Request`/`Response` exist (Node, Bun, Deno, Workers, Next.js, Hono): no node: imports here or
// in anything this file imports.

import type { AgentRequestBody } from "./agent.js";
import { type Agent, type Conversation, type FallbackReason, type Logger, toConversation } from "./agent.js";
import { type AgentOutcome, callAgent, isObject, isThenable } from "./call-agent.js";
import { handover } from "./handover.js";
import { type Reply, type RequestInput, WebInput } from "./input.js";
import {
  CAAC_TIMEOUT_SECONDS,
  type FieldError,
  fieldErrors,
  PROBLEM_CONTENT_TYPE,
  problem,
  responseValidator,
  SUPPORTED_VERSIONS,
  validateRequest,
  validateRequestStrict,
} from "./spec.js";
import { createTokenChecker, redactTokens, type TokenChecker } from "./token.js";

export type { FallbackReason, Logger } from "./agent.js";

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
  /** Receives agent failures, warnings and (with `info`) the access log. Default: `console.error` and `console.warn`, no access log. */
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

/**
 * The key of the internal entry `(input: RequestInput) => Reply | Promise<Reply>` that
 * {@link createAgentHandler}'s function carries (non-enumerable), used by serveAgent on Node to
 * answer without building a `Request` or `Response`. Not part of the public API.
 */
export const HANDLE_INPUT: unique symbol = Symbol("caac-agent.handleInput");

/** The internal entry: answers a request input; never throws or rejects. Carries the handler's deadline. */
export type InputHandler = ((input: RequestInput) => Reply | Promise<Reply>) & {
  readonly deadlineMs: number;
};

/** The handler's settings, resolved once from the options. */
type Runtime = {
  agent: Agent;
  checkToken: TokenChecker;
  tokens: readonly string[];
  /** The tokens and, where it differs, each one as it reads inside a JSON string: what reply bodies must not carry. */
  replySecrets: readonly string[];
  deadlineMs: number;
  maxBodyBytes: number;
  fallback: AgentHandlerOptions["fallback"];
  logger: Logger;
  healthReply: string;
  /** The response validator per status, looked up once (the content type follows from the status). */
  responseValidators: Map<number, ReturnType<typeof responseValidator>>;
  /** The drift already reported ("field rule"), so that each is logged once. */
  driftSeen: Set<string>;
};

/**
 * At most this many field errors are listed in a 400 (the structural check stops at its first
 * error today; the cap keeps the bound if that changes), each field and message clipped to
 * {@link MAX_TEXT} characters: a 400 stays under a few kilobytes whatever the body.
 */
const MAX_LISTED_ERRORS = 20;
const MAX_TEXT = 200;

/** `text` cut to {@link MAX_TEXT} characters. Redact before clipping, never after. */
function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/**
 * A value of the caller's quoted in a reply (an unsupported version, an unknown method) is cut to
 * this many characters, after redaction: enough to recognise it, too short to mirror a body.
 */
const MAX_QUOTED = 40;

/** `value` as JSON (or text), tokens redacted, then cut to {@link MAX_QUOTED} characters. */
function quote(runtime: Runtime, value: unknown, asJson = true): string {
  let text: string;
  try {
    text = asJson ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    text = typeof value;
  }
  const redacted = redactTokens(text, runtime.replySecrets);
  return redacted.length > MAX_QUOTED ? `${redacted.slice(0, MAX_QUOTED - 1)}…` : redacted;
}

/** At most this many distinct drifts are reported per handler: a drifting vendor must not flood the log. */
const MAX_DRIFT_REPORTS = 100;

/** Creates the endpoint: `(request) => Promise<Response>`, never rejecting. */
export function createAgentHandler(options: AgentHandlerOptions): (request: Request) => Promise<Response> {
  const runtime = resolveOptions(options);
  const handleInput: InputHandler = Object.assign((input: RequestInput) => handle(runtime, input), {
    deadlineMs: runtime.deadlineMs,
  });
  // Not an async function: one promise reaction per request instead of an await and a return.
  // What would reject an async function's promise (a Request whose fields throw) still does.
  const handler = (request: Request): Promise<Response> => {
    try {
      const reply = handleInput(new WebInput(request));
      return reply instanceof Promise ? reply.then(toResponse) : Promise.resolve(toResponse(reply));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  Object.defineProperty(handler, HANDLE_INPUT, { value: handleInput });
  return handler;
}

function toResponse(reply: Reply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/**
 * The default logger: `console` for errors and warnings (on stderr). The access log (`info`) is
 * opt-in, through a logger of one's own: a library must not write a line per request to stdout.
 */
const defaultLogger: Logger = {
  error: (...args) => console.error(...args),
  warn: (...args) => console.warn(...args),
};

function resolveOptions(options: AgentHandlerOptions): Runtime {
  const tokens = options.tokens ?? (options.token === undefined ? [] : [options.token]);
  const checkToken = createTokenChecker(tokens, {
    factory: "createAgentHandler",
    option: options.tokens === undefined ? "token" : "tokens",
  });
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
  return {
    agent: options.agent,
    checkToken,
    tokens,
    replySecrets: [...new Set(tokens.flatMap((token) => [token, JSON.stringify(token).slice(1, -1)]))],
    deadlineMs,
    maxBodyBytes,
    fallback: options.fallback,
    logger: options.logger ?? defaultLogger,
    healthReply: options.healthReply ?? "OK",
    responseValidators: new Map(),
    driftSeen: new Set(),
  };
}

/** Every check, then the agent's reply. Never throws; asynchronous branches catch their own failures. */
function handle(runtime: Runtime, input: RequestInput): Reply | Promise<Reply> {
  try {
    return checkHeaders(runtime, input);
  } catch (error) {
    return failed(runtime, error);
  }
}

function checkHeaders(runtime: Runtime, input: RequestInput): Reply | Promise<Reply> {
  const started = Date.now();
  if (input.method !== "POST") {
    return discardThen(runtime, input, () =>
      reject(runtime, started, {
        status: 405,
        reason: "method",
        detail: `Use POST; this endpoint does not answer ${quote(runtime, input.method, false)}.`,
        headers: { allow: "POST" },
      }),
    );
  }
  if (!runtime.checkToken(input.authorization)) {
    return discardThen(runtime, input, () =>
      reject(runtime, started, {
        status: 401,
        reason: "token",
        detail:
          "A valid bearer token is required: send `Authorization: Bearer <token>` with the token configured in CAAC.",
        headers: { "www-authenticate": 'Bearer realm="caac-ai-agent"' },
      }),
    );
  }
  if (!isJson(input.contentType)) {
    return discardThen(runtime, input, () =>
      reject(runtime, started, {
        status: 415,
        reason: "media_type",
        detail: "Send the conversation as application/json.",
      }),
    );
  }
  const declared = input.contentLength;
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > runtime.maxBodyBytes) {
    return discardThen(runtime, input, () => tooLarge(runtime, started));
  }
  return input.readBody(runtime.maxBodyBytes).then(
    (bytes) => {
      try {
        const reply = checkBody(runtime, bytes, started, input);
        return isThenable(reply) ? Promise.resolve(reply).catch((error) => failed(runtime, error)) : reply;
      } catch (error) {
        return failed(runtime, error);
      }
    },
    (error: unknown) => {
      try {
        return unreadable(runtime, error, started);
      } catch (bug) {
        return failed(runtime, bug);
      }
    },
  );
}

/** Abandons the body, then answers with `next()`. */
function discardThen(runtime: Runtime, input: RequestInput, next: () => Reply): Reply | Promise<Reply> {
  const pending = input.discard();
  return pending ? pending.then(next, next).catch((error) => failed(runtime, error)) : next();
}

/** Everything after the body has been read. */
function checkBody(
  runtime: Runtime,
  bytes: Uint8Array | undefined,
  started: number,
  input: RequestInput,
): Reply | Promise<Reply> {
  if (bytes === undefined) return tooLarge(runtime, started);
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    return reject(runtime, started, {
      status: 400,
      reason: "not_json",
      detail: "The body is not valid JSON.",
      errors: [{ field: "", message: jsonSyntaxError(error) }],
    });
  }
  const conversationId =
    isObject(body) && Number.isInteger(body.conversation_id) ? (body.conversation_id as number) : undefined;
  if (isObject(body) && "version" in body && !SUPPORTED_VERSIONS.includes(body.version as string)) {
    const supported = SUPPORTED_VERSIONS.map((v) => JSON.stringify(v)).join(", ");
    return reject(runtime, started, {
      status: 400,
      reason: "version",
      detail: `Unsupported version ${quote(runtime, body.version)}; supported versions: ${supported}.`,
      errors: [{ field: "/version", message: `must be one of: ${supported}` }],
      conversationId,
    });
  }
  if (!validateRequest(body)) {
    const errors = fieldErrors(validateRequest.errors);
    // Redacted before clipping, so that no token is cut into a piece redaction cannot find.
    const listed = errors.slice(0, MAX_LISTED_ERRORS).map((error) => ({
      field: clip(redactTokens(error.field, runtime.replySecrets)),
      message: clip(redactTokens(error.message, runtime.replySecrets)),
    }));
    const more = errors.length - listed.length;
    const summary = listed.map((e) => `${e.field || "(body)"} ${e.message}`).join("; ");
    return reject(runtime, started, {
      status: 400,
      reason: "schema",
      detail: `The request does not match the spec: ${summary}${more > 0 ? ` (and ${more} more)` : ""}.`,
      errors: listed,
      conversationId,
    });
  }
  const valid = body as AgentRequestBody;
  if (!validateRequestStrict(valid)) reportDrift(runtime, valid.conversation_id);
  if (valid.conversation_id === 0) return respond(runtime, 200, { reply_text: runtime.healthReply });
  return answer(runtime, toConversation(valid), started, input);
}

/**
 * Logs, once per field and rule, how a body that will be answered deviates from the spec: a
 * format, an enum value or a property the spec does not know. Array indices are folded (`/*`).
 */
function reportDrift(runtime: Runtime, conversationId: number | undefined): void {
  for (const { field, message } of fieldErrors(validateRequestStrict.errors)) {
    if (runtime.driftSeen.size >= MAX_DRIFT_REPORTS) return;
    const generic = clip(redactTokens(field.replace(/\/\d+(?=\/|$)/g, "/*"), runtime.tokens));
    const key = `${generic} ${message}`;
    if (runtime.driftSeen.has(key)) continue;
    runtime.driftSeen.add(key);
    runtime.logger.warn?.("caac-agent: the request deviates from the spec (drift); answered anyway", {
      field: generic,
      rule: message,
      conversationId,
    });
  }
}

/** The agent's reply (or the fallback) for a conversation. */
function answer(
  runtime: Runtime,
  conversation: Conversation,
  started: number,
  input: RequestInput,
): Reply | Promise<Reply> {
  const outcome = callAgent(runtime.agent, conversation, input, runtime.deadlineMs, started);
  return isThenable(outcome)
    ? outcome.then((settled) => replyFor(runtime, settled, conversation))
    : replyFor(runtime, outcome, conversation);
}

function replyFor(runtime: Runtime, outcome: AgentOutcome, conversation: Conversation): Reply {
  const { logger } = runtime;
  const conversationId = conversation.conversationId;
  switch (outcome.kind) {
    case "reply":
      return respond(runtime, 200, { reply_text: outcome.text });
    case "deadline":
      logger.warn?.("caac-agent: the agent missed the deadline; sent the fallback", {
        conversationId,
        deadlineMs: runtime.deadlineMs,
      });
      return respond(runtime, 200, { reply_text: fallbackText(runtime, "deadline", conversation) });
    case "error":
      logger.error("caac-agent: the agent threw; sent the fallback", {
        conversationId,
        ...failureDetails(runtime, outcome.error),
      });
      return respond(runtime, 200, { reply_text: fallbackText(runtime, "error", conversation) });
    case "invalid_reply":
      logger.error("caac-agent: the agent returned no usable reply; sent the fallback", {
        conversationId,
        reply: clip(redactTokens(describeReply(outcome.reply), runtime.tokens)),
      });
      return respond(runtime, 200, { reply_text: fallbackText(runtime, "invalid_reply", conversation) });
  }
}

function fallbackText(runtime: Runtime, reason: FallbackReason, conversation: Conversation): string {
  const { fallback } = runtime;
  if (typeof fallback !== "function") return fallback ?? DEFAULT_FALLBACK;
  try {
    const text = fallback(reason, conversation);
    if (typeof text === "string" && text.trim() !== "") return text;
  } catch (error) {
    runtime.logger.error("caac-agent: the fallback function threw; sent the default fallback", {
      error: redactTokens(describe(error), runtime.tokens),
    });
  }
  return DEFAULT_FALLBACK;
}

/** Why a request was rejected, as the access log names it. */
type RejectReason =
  | "method"
  | "token"
  | "media_type"
  | "too_large"
  | "not_json"
  | "version"
  | "schema"
  | "unreadable"
  | "body_timeout";

type Rejection = {
  status: number;
  reason: RejectReason;
  /** What was wrong and what to do: the problem's `detail`, and the access log's. */
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  conversationId?: number | undefined;
};

/**
 * A problem reply, and its access-log line (`info`): status, reason, conversation id when known,
 * duration. Every text of the problem is redacted here, whatever built it, so that no configured
 * token comes back in a body.
 */
function reject(runtime: Runtime, started: number, rejection: Rejection): Reply {
  const { status, reason, headers, conversationId } = rejection;
  const detail = redactTokens(rejection.detail, runtime.replySecrets);
  const errors = rejection.errors?.map(({ field, message }) => ({
    field: clip(redactTokens(field, runtime.replySecrets)),
    message: clip(redactTokens(message, runtime.replySecrets)),
  }));
  runtime.logger.info?.("caac-agent: rejected the request", {
    status,
    reason,
    detail: clip(redactTokens(detail, runtime.tokens)),
    conversationId,
    durationMs: Date.now() - started,
  });
  return respond(runtime, status, problem(status, detail, errors), headers);
}

function tooLarge(runtime: Runtime, started: number): Reply {
  return reject(runtime, started, {
    status: 413,
    reason: "too_large",
    detail: `The request body exceeds ${runtime.maxBodyBytes} bytes.`,
  });
}

/**
 * A body that could not be read: the client went away (or sent a broken stream); not a runtime
 * bug. Its one log line is a warning, not the info of other rejections.
 */
function unreadable(runtime: Runtime, error: unknown, started: number): Reply {
  runtime.logger.warn?.(
    "caac-agent: the request body could not be read (the client closed the connection?)",
    {
      status: 400,
      reason: "unreadable" satisfies RejectReason,
      error: clip(redactTokens(describe(error), runtime.tokens)),
      durationMs: Date.now() - started,
    },
  );
  return respond(runtime, 400, problem(400, "The request body could not be read."));
}

/** Only a bug in this runtime (not the agent, not the client) lands here. */
function failed(runtime: Runtime, error: unknown): Reply {
  runtime.logger.error("caac-agent: the handler failed", failureDetails(runtime, error));
  return internalError("The agent endpoint failed unexpectedly.");
}

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** A JSON body after checking it against the spec's schema for that status; 500 (logged) when it does not match. */
function respond(runtime: Runtime, status: number, body: unknown, headers?: Record<string, string>): Reply {
  const contentType = status === 200 ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
  const { responseValidators } = runtime;
  let validate = responseValidators.get(status);
  if (validate === undefined && !responseValidators.has(status)) {
    validate = responseValidator(status, contentType);
    responseValidators.set(status, validate);
  }
  if (!validate?.(body)) {
    runtime.logger.error("caac-agent: a response did not match the spec; sent 500 instead", {
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
}

function internalError(detail: string): Reply {
  return {
    status: 500,
    headers: { "content-type": PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem(500, detail)),
  };
}

/** What is logged of a failure: its description, stack and cause, each redacted, then clipped. */
function failureDetails(runtime: Runtime, error: unknown): Record<string, string> {
  const details: Record<string, string> = { error: clip(redactTokens(describe(error), runtime.tokens)) };
  try {
    if (error instanceof Error) {
      if (typeof error.stack === "string") {
        details.stack = redactTokens(error.stack, runtime.tokens).slice(0, MAX_STACK);
      }
      if (error.cause !== undefined)
        details.cause = clip(redactTokens(describe(error.cause), runtime.tokens));
    }
  } catch {
    // A hostile error (a Proxy, a throwing getter): its description is all there is.
  }
  return details;
}

/** The longest stack logged: a few dozen frames. */
const MAX_STACK = 4000;

/** A one-line description of anything thrown; never throws itself (a hostile value is not described). */
function describe(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return "(a value that throws when described)";
  }
}

/**
 * What a JSON syntax error says, without the engine's excerpt of the body: V8 quotes ten
 * characters around the error (`"test-token"...`), a piece of a token that no redaction can find.
 * Kept: the position, when the engine gives it, and the unexpected character.
 */
function jsonSyntaxError(error: unknown): string {
  const message = describe(error);
  const position = /position (\d+)/.exec(message)?.[1];
  const unexpected = /Unexpected token '(.)'/u.exec(message)?.[1];
  const where = position === undefined ? "" : ` at position ${position}`;
  const what = unexpected === undefined ? "" : ` (unexpected ${JSON.stringify(unexpected)})`;
  return `is not valid JSON${where}${what}`;
}

/** The reply's type and JSON, uncut: the caller redacts, then clips. */
function describeReply(reply: unknown): string {
  try {
    return `${typeof reply} ${JSON.stringify(reply) ?? ""}`;
  } catch {
    return typeof reply;
  }
}

const decoder = new TextDecoder();

function isJson(contentType: string | null): boolean {
  if (contentType === "application/json") return true;
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^application\/[\w.-]+\+json$/.test(media);
}
