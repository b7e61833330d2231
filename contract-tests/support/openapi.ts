// Read-only access to the dereferenced spec bundles in generated/, and Ajv validators compiled
// from them: the one place tests get schemas from, so no test restates a schema by hand.
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const API_NAMES = ["cavuer", "fifthelement", "caac", "caac-agent", "chataibot"] as const;
export type ApiName = (typeof API_NAMES)[number];

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
