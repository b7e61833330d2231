// RFC 9457 problem responses, shaped by the spec's `Problem` schema.
import type { components } from "../../generated/caac-agent.js";
import type { FieldError } from "./spec.js";

/** A problem body as the spec defines it. */
export type Problem = components["schemas"]["Problem"];

/** The media type of every problem response the spec documents. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  405: "Method Not Allowed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
};

/** Builds a problem body: `detail` says what was wrong and what to do; `errors` names each bad field. */
export function problem(status: number, detail: string, errors?: FieldError[]): Problem {
  const body: Problem = { type: "about:blank", title: titles[status] ?? "Error", status, detail };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}
