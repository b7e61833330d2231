// Read-only access to the dereferenced spec bundles in generated/, and Ajv validators compiled
// from them: the one place tests get schemas from, so no test restates a schema by hand.
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { APIS, type ApiName } from "../../generated/apis.js";

export { APIS, type ApiName };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
type Example = { summary?: string; value: Json };
export type MediaType = { schema?: JsonObject; example?: Json; examples?: Record<string, Example> };
export type Operation = {
  api: ApiName;
  method: string;
  path: string;
  operationId: string;
  summary: string;
  raw: JsonObject & {
    parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonObject; example?: Json }>;
    requestBody?: { content: Record<string, MediaType> };
    responses: Record<string, { content?: Record<string, MediaType>; headers?: Record<string, JsonObject> }>;
  };
};

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
const bundles = new Map<ApiName, JsonObject>();

export function loadBundle(api: ApiName): JsonObject {
  let bundle = bundles.get(api);
  if (!bundle) {
    bundle = JSON.parse(readFileSync(new URL(`../../generated/${api}.bundle.json`, import.meta.url), "utf8"));
    bundles.set(api, bundle as JsonObject);
  }
  return bundle as JsonObject;
}

export function listOperations(api: ApiName): Operation[] {
  const paths = (loadBundle(api).paths ?? {}) as Record<string, Record<string, JsonObject>>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      operations.push({
        api,
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        summary: String(op.summary ?? ""),
        raw: op as Operation["raw"],
      });
    }
  }
  return operations;
}

export function createAjv(): Ajv2020 {
  // strict: false because OpenAPI adds keywords (example, x-*) that are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  return ajv;
}

const sharedAjv = createAjv();
const compiled = new WeakMap<object, ValidateFunction>();

/** A validator for a schema object of a bundle, compiled once. */
export function validatorFor(schema: JsonObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = sharedAjv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Ajv's errors as one readable line per violation: `/path: message`. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message}`).join("; ");
}

/** The operation `operationId` of `api`; throws naming the API when the spec has none. */
export function findOperation(api: ApiName, operationId: string): Operation {
  const op = listOperations(api).find((o) => o.operationId === operationId);
  if (!op) throw new Error(`${api}: the spec has no operation "${operationId}"`);
  return op;
}

/** The numeric statuses an operation documents, in order (`default` and ranges are not forceable). */
export function documentedStatuses(op: Operation): number[] {
  return Object.keys(op.raw.responses)
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The first example of a media type: `example`, else the first of `examples`. */
export function firstExample(media: MediaType | undefined): Json | undefined {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  return Object.values(media.examples ?? {})[0]?.value;
}

/** A request built from the spec's examples: every parameter's example and the first body example. */
export type ExampleRequest = {
  path: Record<string, Json>;
  query: Record<string, Json>;
  body: Json | undefined;
};

export function exampleRequest(op: Operation): ExampleRequest {
  const request: ExampleRequest = { path: {}, query: {}, body: undefined };
  for (const param of op.raw.parameters ?? []) {
    const value = param.example ?? (param.schema.example as Json | undefined);
    if (value === undefined) continue;
    if (param.in === "path") request.path[param.name] = value;
    if (param.in === "query") request.query[param.name] = value;
  }
  request.body = firstExample(op.raw.requestBody?.content["application/json"]);
  return request;
}

/** The schema of a response body for a status and content type (parameters after `;` ignored). */
export function responseSchema(op: Operation, status: number, contentType: string): JsonObject | undefined {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return op.raw.responses[String(status)]?.content?.[type]?.schema;
}

/** The content types a response documents (empty when it has no body). */
export function responseContentTypes(op: Operation, status: number): string[] {
  return Object.keys(op.raw.responses[String(status)]?.content ?? {});
}

/**
 * The schema of one server-sent event's `data`: the `contentSchema` of a `text/event-stream`
 * response's schema (data that is not JSON, such as `[DONE]`, is validated as a string).
 */
export function eventDataSchema(op: Operation, status = 200): JsonObject {
  const schema = responseSchema(op, status, "text/event-stream");
  const content = schema?.contentSchema;
  if (!content || typeof content !== "object" || Array.isArray(content)) {
    throw new Error(`${op.api} ${op.operationId} ${status}: text/event-stream schema has no contentSchema`);
  }
  return content;
}

/** The spec's `text/event-stream` example of a response. */
export function eventStreamExample(op: Operation, status = 200): string {
  const media = op.raw.responses[String(status)]?.content?.["text/event-stream"];
  const example = firstExample(media) ?? (media?.schema?.example as Json | undefined);
  if (typeof example !== "string") {
    throw new Error(`${op.api} ${op.operationId} ${status}: no string text/event-stream example`);
  }
  return example;
}
