// Everything the runtime and the checker know about the endpoint comes from the generated bundle
// of specs/caac-agent/openapi.yaml: schemas, the deadline, the handover marker, the versions.
// Validators are Ajv standalone code generated from the same bundle (no `new Function` at run
// time, so the handler runs on Workers and other runtimes that forbid it).

import type { ErrorObject } from "ajv";
import bundle from "../../generated/caac-agent.bundle.js";
import type { components } from "../../generated/caac-agent.js";
import { type Validator, validators } from "../../generated/caac-agent.validators.js";
import { PROBLEM_CONTENT_TYPE as CORE_PROBLEM_CONTENT_TYPE, problemBody } from "../core/problem.js";

/** The spec's path item for the agent endpoint (its path is a placeholder the customer chooses). */
export const operation = bundle.paths["/caac/ai-agent"].post;

/** CAAC gives up after this many seconds (`x-caac-timeout-seconds`). */
export const CAAC_TIMEOUT_SECONDS: number = bundle.info["x-caac-timeout-seconds"];

/** The marker that, inside `reply_text`, asks CAAC to hand over to a human (`x-caac-handover-marker`). */
export const HANDOVER_MARKER: string = bundle.info["x-caac-handover-marker"];

/** The request versions this runtime understands (`x-caac-supported-versions`). */
export const SUPPORTED_VERSIONS: readonly string[] = bundle.info["x-caac-supported-versions"];

/** The dereferenced JSON Schema of the request body. */
export const requestSchema = operation.requestBody.content["application/json"].schema;

/** The request examples documented in the spec, by name (`seed`, `health_check`). */
export const requestExamples = operation.requestBody.content["application/json"].examples;

type MediaTypes = Record<string, { schema: object }>;

/** Documented responses: status → media type → schema. */
export const responses: Record<string, MediaTypes> = Object.fromEntries(
  Object.entries(operation.responses).map(([status, response]) => [
    status,
    (response as { content?: MediaTypes }).content ?? {},
  ]),
);

/**
 * The structural check of a request body: what makes answering impossible (wrong JSON types,
 * missing required fields, a broken `const` or `minimum`). It ignores the spec's drift keywords
 * (`x-caac-drift-keywords`: `format`, `enum`) and stops at the first error. A body it rejects is
 * answered 400; verify-agent demands exactly these rejections.
 */
export const validateRequest: Validator = validators.request;

/**
 * The spec as written, with unknown properties reported too: run on bodies that passed
 * {@link validateRequest}, its errors are drift (logged, never rejected). All errors.
 */
export const validateRequestStrict: Validator = validators.requestStrict;

/** The keywords whose violation is drift, not a rejection (`x-caac-drift-keywords`). */
export const DRIFT_KEYWORDS: readonly string[] = bundle.info["x-caac-drift-keywords"];

/**
 * Finds the validator for a response: undefined when the status or media type is not documented.
 * Media type parameters (`; charset=utf-8`) are ignored.
 */
export function responseValidator(status: number, contentType: string | null): Validator | undefined {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return validators.responses[`${status} ${media}`];
}

/** One invalid field, as the spec's `ProblemFieldError` describes it. */
export type FieldError = { field: string; message: string };

/** Turns Ajv errors into `{ field, message }` pairs naming the JSON Pointer of each bad field. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const missing =
      error.keyword === "required"
        ? `/${String(error.params.missingProperty)}`
        : error.keyword === "additionalProperties"
          ? `/${String(error.params.additionalProperty)}`
          : "";
    const allowed = error.keyword === "const" ? ` (${JSON.stringify(error.params.allowedValue)})` : "";
    return {
      field: `${error.instancePath}${missing}`,
      message: `${error.message ?? "is invalid"}${allowed}`,
    };
  });
}

/** A problem body as the spec defines it (RFC 9457). */
export type Problem = components["schemas"]["Problem"];

/** The media type of every problem response the spec documents. */
export const PROBLEM_CONTENT_TYPE = CORE_PROBLEM_CONTENT_TYPE;

/** Builds a problem body: `detail` says what was wrong and what to do; `errors` names each bad field. */
export function problem(status: number, detail: string, errors?: FieldError[]): Problem {
  const body: Problem = problemBody(status, detail);
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}
