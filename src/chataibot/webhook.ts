/**
 * The receiver for ChatAIBot's Events webhook (specs/chataibot-webhook): a Web-standard
 * `(request) => Promise<Response>` that answers the platform's handshake, checks the token of every
 * delivery in constant time, and hands each event to your `onEvent`. It runs wherever `Request`
 * and `Response` exist (Node, Bun, Deno, Workers): no node: imports here or below.
 *
 *   const handler = createChatAIBotWebhookHandler({ token, onEvent: async (event) => { … } });
 *   export default { fetch: (request, _env, ctx) => handler(request, ctx) }; // Workers
 */

import type { components } from "../../generated/chataibot-webhook.js";
import { payloadValidators } from "../../generated/chataibot-webhook.validators.js";
import { readBodyBytes } from "../core/body.js";
import { PROBLEM_CONTENT_TYPE, problemBody } from "../core/problem.js";
import { assertTokenRules, redactTokens } from "../core/token-rules.js";

type Schemas = components["schemas"];
export type ConversationCreatePayload = Schemas["ConversationCreatePayload"];
export type MessageExchangePayload = Schemas["MessageExchangePayload"];

/** The event types whose payload the spec models, with their payloads. */
export interface KnownChatAIBotPayloads {
  /** Documented: a conversation was created. */
  conversation_create: ConversationCreatePayload;
  /** Inferred: a message between the bot (or an agent) and the visitor, the bot's replies among them. */
  message_exchange: MessageExchangePayload;
}
export type KnownChatAIBotEventType = keyof KnownChatAIBotPayloads;

/** An event of a known type whose payload matches the spec: `payload` is typed. */
export type TypedChatAIBotEvent = {
  [T in KnownChatAIBotEventType]: {
    typed: true;
    type: T;
    payload: KnownChatAIBotPayloads[T];
    /** The entry of `events` exactly as delivered (`{ event: { type, payload, … } }`). */
    raw: unknown;
  };
}[KnownChatAIBotEventType];

/**
 * Any other event, passed through untouched: a type the spec does not model (`problems` empty),
 * or a payload or entry that does not match the spec (`problems` says how; a warning was logged).
 */
export interface UntypedChatAIBotEvent {
  typed: false;
  /** The delivered `event.type`, or `undefined` when the entry has no string type. */
  type: string | undefined;
  /** The delivered `event.payload`, as it came. */
  payload: unknown;
  /** The entry of `events` exactly as delivered. */
  raw: unknown;
  /** How the entry deviates from the spec; empty for a well-formed event of an unmodelled type. */
  problems: string[];
}

/** What `onEvent` receives: narrow on `typed`, then on `type`. */
export type ChatAIBotEvent = TypedChatAIBotEvent | UntypedChatAIBotEvent;

/** Where the receiver reports drift and `onEvent` failures. Never receives the token. */
export interface WebhookLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** What a runtime offers to keep work alive after the response (Workers' `ctx`, Vercel's `waitUntil`). */
export interface WebhookRequestContext {
  waitUntil?(promise: Promise<unknown>): void;
}

/** Options of {@link createChatAIBotWebhookHandler}. */
export interface ChatAIBotWebhookOptions {
  /**
   * The token entered with the webhook URL in the platform's Events settings: at least 12
   * characters, no whitespace (the same rules as createAgentHandler's), else the factory throws.
   */
  token: string;
  /** Receives every event of every delivery, in delivery order; may be async. */
  onEvent(event: ChatAIBotEvent): void | Promise<void>;
  /**
   * Receives drift warnings (at most 100 distinct ones per handler, then a count per delivery) and
   * `onEvent` failures. Default: `console`.
   */
  logger?: WebhookLogger | undefined;
  /**
   * How long a delivery's answer waits for `onEvent` before answering 200 anyway, in ms; the
   * remaining work goes on (handed to `context.waitUntil` when given). Default: 1000. 0 answers at once.
   */
  maxWaitMs?: number | undefined;
  /** Largest accepted body in bytes. Default: 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** The handshake's reply: `{"token": …}` as JSON (default) or the bare token as text/plain. */
  handshakeReply?: "json" | "text" | undefined;
}

/** The webhook endpoint: never rejects; every failure is a response. */
export type ChatAIBotWebhookHandler = (
  request: Request,
  context?: WebhookRequestContext,
) => Promise<Response>;

export const DEFAULT_WEBHOOK_MAX_WAIT_MS = 1_000;
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/**
 * At most this many distinct drift warnings (event type and problems, array indices folded) are
 * logged per handler; the rest of each delivery is summed up in one line, so that a drifting
 * platform or a hostile delivery cannot flood the log.
 */
export const MAX_WEBHOOK_DRIFT_WARNINGS = 100;

/** The longest piece of the request a problem quotes, after redaction. */
const MAX_QUOTED = 40;
const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Creates the ChatAIBot Events webhook endpoint. */
export function createChatAIBotWebhookHandler(options: ChatAIBotWebhookOptions): ChatAIBotWebhookHandler {
  const { token, onEvent } = options;
  assertTokenRules([token], { factory: "createChatAIBotWebhookHandler", option: "token" });
  if (typeof onEvent !== "function") {
    throw new TypeError("createChatAIBotWebhookHandler: `onEvent` must be a function.");
  }
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_WEBHOOK_MAX_WAIT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  if (!(Number.isFinite(maxWaitMs) && maxWaitMs >= 0)) {
    throw new TypeError(
      `createChatAIBotWebhookHandler: maxWaitMs must be a number of milliseconds >= 0, got ${maxWaitMs}.`,
    );
  }
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new TypeError(
      `createChatAIBotWebhookHandler: maxBodyBytes must be a positive integer, got ${maxBodyBytes}.`,
    );
  }
  const logger: WebhookLogger = options.logger ?? console;
  const handshakeReply = options.handshakeReply ?? "json";
  const matches = createTokenMatcher(token);
  // The token is never logged, but an onEvent error might echo it (a dumped request, say).
  const redact = (text: string) => redactTokens(text, [token]);
  // What a problem quotes of the request (its method, its content type): redacted, then capped.
  const quote = (text: string) => {
    const redacted = redact(text);
    return redacted.length > MAX_QUOTED ? `${redacted.slice(0, MAX_QUOTED - 1)}…` : redacted;
  };
  /** The drift warnings already logged, by type and problems with indices folded. */
  const driftLogged = new Set<string>();

  async function handle(request: Request, context: WebhookRequestContext | undefined): Promise<Response> {
    if (request.method !== "POST") {
      return problem(405, `Use POST; this endpoint does not answer ${quote(request.method)}.`, {
        allow: "POST",
      });
    }
    const contentType = request.headers.get("content-type");
    // An absent Content-Type is read as JSON (the platform's is not documented); a different one is refused.
    if (contentType !== null && !JSON_MEDIA.test(contentType)) {
      return problem(
        415,
        `Send the events as application/json, not ${quote(contentType.split(";")[0] ?? "")}.`,
      );
    }
    const declared = Number(request.headers.get("content-length") ?? Number.NaN);
    if (declared > maxBodyBytes) return tooLarge(maxBodyBytes);
    const bytes = await readBodyBytes(request, maxBodyBytes);
    if (bytes === undefined) return tooLarge(maxBodyBytes);

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: false }).decode(bytes));
    } catch (error) {
      // Only the position: the parser's message quotes the body around the error, token included.
      const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
      return problem(400, `The body is not valid JSON${position ? ` (at position ${position})` : ""}.`);
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      return problem(400, "The body must be a JSON object carrying `token` (handshake) or `events`.");
    }
    const record = body as Record<string, unknown>;

    // Every presented token is compared, whichever carrier it came in, so the work does not depend on which.
    const presented = [
      record.token,
      BEARER.exec(request.headers.get("authorization") ?? "")?.[1],
      request.headers.get("token") ?? undefined,
    ];
    if (!matches(presented)) {
      return problem(
        401,
        "A valid webhook token is required (body field `token`, `Authorization: Bearer` or a `token` header).",
      );
    }

    if (record.events === undefined) {
      // The handshake: answered with the configured token, which the caller has just proved to know.
      return handshakeReply === "text"
        ? new Response(token, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } })
        : Response.json({ token }, { status: 200 });
    }
    if (!Array.isArray(record.events)) {
      return problem(400, "`events` must be an array of `{ event: { type, payload } }` entries.");
    }

    const events = record.events.map((entry, index) => readEvent(entry, index));
    reportDrift(events);
    const work = deliver(events);
    context?.waitUntil?.(work);
    await settledOrTimeout(work, maxWaitMs);
    return Response.json({ ok: true, received: events.length }, { status: 200 });
  }

  /**
   * Logs each distinct drift once, up to {@link MAX_WEBHOOK_DRIFT_WARNINGS} per handler, and the
   * number of drifting events of this delivery that were not logged (repeats and those past the cap).
   */
  function reportDrift(events: readonly ChatAIBotEvent[]): void {
    let notLogged = 0;
    for (const event of events) {
      if (event.typed || event.problems.length === 0) continue;
      const problems = event.problems.map((problem) => problem.replace(/^\/events\/\d+/, "/events/*"));
      const key = JSON.stringify([event.type, problems]);
      if (driftLogged.has(key) || driftLogged.size >= MAX_WEBHOOK_DRIFT_WARNINGS) {
        notLogged++;
        continue;
      }
      driftLogged.add(key);
      logger.warn("chataibot-webhook: an event does not match the spec; passed to onEvent as untyped", {
        type: event.type,
        problems,
      });
    }
    if (notLogged > 0) {
      logger.warn(
        "chataibot-webhook: more events of this delivery do not match the spec (not logged: already reported, or past the cap of distinct warnings)",
        { notLogged, maxDistinctWarnings: MAX_WEBHOOK_DRIFT_WARNINGS },
      );
    }
  }

  /** Runs onEvent for each event in order; a failure is logged and the next event still runs. */
  async function deliver(events: ChatAIBotEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await onEvent(event);
      } catch (error) {
        logger.error("chataibot-webhook: onEvent failed; the delivery was still answered 200", {
          type: event.type,
          error: redact(describe(error)),
        });
      }
    }
  }

  return async (request, context) => {
    try {
      return await handle(request, context);
    } catch (error) {
      // Only a bug here (or a body stream that failed mid-read) lands in this branch.
      logger.error("chataibot-webhook: the handler failed", { error: redact(describe(error)) });
      return problem(500, "The webhook receiver failed unexpectedly.");
    }
  };
}

/** Reads one entry of `events` into a typed event where the spec models it, else an untyped one. */
function readEvent(entry: unknown, index: number): ChatAIBotEvent {
  const event = isObject(entry) ? entry.event : undefined;
  if (!isObject(event)) {
    return {
      typed: false,
      type: undefined,
      payload: undefined,
      raw: entry,
      problems: [`/events/${index}/event: must be an object`],
    };
  }
  const { type, payload } = event;
  if (typeof type !== "string" || type === "") {
    return {
      typed: false,
      type: undefined,
      payload,
      raw: entry,
      problems: [`/events/${index}/event/type: must be a non-empty string`],
    };
  }
  if (!isKnownType(type)) return { typed: false, type, payload, raw: entry, problems: [] };
  const validate = payloadValidators[type];
  if (validate(payload ?? {})) {
    return { typed: true, type, payload: (payload ?? {}) as never, raw: entry };
  }
  const problems = (validate.errors ?? []).map(
    (e) => `/events/${index}/event/payload${e.instancePath}: ${e.message ?? "is invalid"}`,
  );
  return { typed: false, type, payload, raw: entry, problems };
}

function isKnownType(type: string): type is KnownChatAIBotEventType {
  return Object.hasOwn(payloadValidators, type);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * True when any presented string equals the token. Compares every candidate over its whole length
 * without stopping at a difference, so the time depends only on the candidates' lengths, never on
 * how much of the token they got right.
 */
function createTokenMatcher(token: string): (presented: readonly unknown[]) => boolean {
  const units = new Uint16Array(token.length);
  for (let i = 0; i < token.length; i++) units[i] = token.charCodeAt(i);
  return (presented) => {
    let matched = 0;
    for (const candidate of presented) {
      const text = typeof candidate === "string" ? candidate : "";
      // The token is at least 12 characters, so an absent candidate ("") always differs by length.
      let difference = units.length ^ text.length;
      for (let i = 0; i < text.length; i++) {
        difference |= (units[i % units.length] as number) ^ text.charCodeAt(i);
      }
      matched |= ((difference | -difference) >>> 31) ^ 1;
    }
    return matched === 1;
  };
}

async function settledOrTimeout(work: Promise<void>, ms: number): Promise<void> {
  if (ms === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function problem(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problemBody(status, detail)), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  });
}

function tooLarge(maxBodyBytes: number): Response {
  return problem(413, `The request body exceeds ${maxBodyBytes} bytes.`);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
