// The Web-standard request handler for CAAC's Self Hosted AI Agent endpoint. Runs wherever
// `Request`/`Response` and WebCrypto exist (Node, Bun, Deno, Workers, Next.js, Hono): no node:
// imports here or in anything this file imports.

import type { Agent, Conversation } from "./agent.js";
import { createAgentCall } from "./agent-call.js";
import { createTokenChecker } from "./auth.js";
import { createResponder, describe, internalError } from "./reply.js";
import { createRequestChecks } from "./request-checks.js";
import { fromRequest, HANDLE_INPUT, type InputHandler, type Reply } from "./request-input.js";
import { CAAC_TIMEOUT_SECONDS } from "./spec.js";

export { DEFAULT_FALLBACK } from "./agent-call.js";
export { HANDLE_INPUT, type InputHandler, type Reply, type RequestInput } from "./request-input.js";

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
  const respond = createResponder(logger);
  const answer = createAgentCall({ options, deadlineMs, logger, redact, respond });

  const failed = (error: unknown): Reply => {
    // Only a bug in this runtime (not the agent, not the client) lands here.
    logger.error("caac-agent: the handler failed", { error: redact(describe(error)) });
    return internalError("The agent endpoint failed unexpectedly.");
  };

  const handle = createRequestChecks({
    checkToken,
    maxBodyBytes,
    healthReply,
    logger,
    redact,
    respond,
    answer,
    failed,
  });

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
