// Everything the runtime and the checker know about the endpoint comes from the generated bundle
// of specs/caac-agent/openapi.yaml: schemas, the deadline, the handover marker, the versions.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";
import bundle from "../../generated/caac-agent.bundle.js";

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

// `strict: false` because the bundle carries OpenAPI annotations (`example`, `x-*`) that Ajv's
// strict mode rejects as unknown keywords; they never affect validation.
const ajv = new Ajv2020({ allErrors: true, strict: false });
// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module
// object, whose `default` is the plugin.
formatsModule.default(ajv);

/** Validates a request body against the spec (Ajv 2020, all errors). */
export const validateRequest: ValidateFunction = ajv.compile(requestSchema);

const responseValidators = new Map<string, ValidateFunction>();

/**
 * Finds the validator for a response: undefined when the status or media type is not documented.
 * Media type parameters (`; charset=utf-8`) are ignored.
 */
export function responseValidator(status: number, contentType: string | null): ValidateFunction | undefined {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const schema = responses[String(status)]?.[media]?.schema;
  if (!schema) return undefined;
  const key = `${status} ${media}`;
  const cached = responseValidators.get(key);
  if (cached) return cached;
  const validate = ajv.compile(schema);
  responseValidators.set(key, validate);
  return validate;
}

/** One invalid field, as the spec's `ProblemFieldError` describes it. */
export type FieldError = { field: string; message: string };

/** Turns Ajv errors into `{ field, message }` pairs naming the JSON Pointer of each bad field. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === "required" ? `/${String(error.params.missingProperty)}` : "";
    const allowed = error.keyword === "const" ? ` (${JSON.stringify(error.params.allowedValue)})` : "";
    return {
      field: `${error.instancePath}${missing}`,
      message: `${error.message ?? "is invalid"}${allowed}`,
    };
  });
}
