// Building replies: JSON bodies checked against the spec's response schema before they are sent,
// and the plain 500 used when that (or the runtime) fails.
import type { Logger } from "./handler.js";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem.js";
import type { Reply } from "./request-input.js";
import { fieldErrors, responseValidator } from "./spec.js";

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** Makes `respond`, which logs (to `logger`) and answers 500 when a body does not match the spec. */
export function createResponder(logger: Logger) {
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
  return respond;
}

/** A reply builder made by {@link createResponder}. */
export type Respond = ReturnType<typeof createResponder>;

export function internalError(detail: string): Reply {
  return {
    status: 500,
    headers: { "content-type": PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem(500, detail)),
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
