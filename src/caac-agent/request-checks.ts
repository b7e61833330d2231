// The request checks, in the order both paths apply them: method, token, content type, declared
// size, then the body (size limit, JSON, version, schema) before the agent is called.
import type { AgentRequestBody } from "./agent.js";
import { isObject, isThenable } from "./agent-call.js";
import type { Logger } from "./handler.js";
import { problem } from "./problem.js";
import { describe, type Respond } from "./reply.js";
import type { Reply, RequestInput } from "./request-input.js";
import { fieldErrors, SUPPORTED_VERSIONS, validateRequest } from "./spec.js";

/** What {@link createRequestChecks} needs from the handler. */
export type RequestCheckSettings = {
  checkToken: (authorization: string | null) => boolean;
  maxBodyBytes: number;
  healthReply: string;
  logger: Logger;
  redact: (text: string) => string;
  respond: Respond;
  /** Calls the agent for a valid, non-health-check body. */
  answer: (body: AgentRequestBody, started: number, input: RequestInput) => Reply | Promise<Reply>;
  /** The reply for a bug in this runtime. */
  failed: (error: unknown) => Reply;
};

/** Makes `handle`: every check, then the agent's reply; asynchronous branches catch their own failures. */
export function createRequestChecks({
  checkToken,
  maxBodyBytes,
  healthReply,
  logger,
  redact,
  respond,
  answer,
  failed,
}: RequestCheckSettings) {
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

  return handle;
}

const decoder = new TextDecoder();

function isJson(contentType: string | null): boolean {
  if (contentType === "application/json") return true;
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^application\/[\w.-]+\+json$/.test(media);
}
