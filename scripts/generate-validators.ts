// Writes Ajv standalone validators from the dereferenced bundles: generated/caac-agent.validators.ts
// (the agent endpoint's request, as a structural validator that decides rejection and a strict
// one whose errors are drift, and its documented responses) and
// generated/chataibot-webhook.validators.ts (the event payloads the webhook receiver types).
// Compiling at build time keeps `new Function` (which Ajv uses to compile at run time) out of the
// handlers, so they run on Cloudflare Workers and other runtimes that forbid code generation from
// strings, and saves the compile cost at start-up.
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import addFormats from "ajv-formats";

type Media = { schema?: object };
type Operation = {
  requestBody: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};

const VALIDATOR_TYPE = `/** A compiled validator: returns whether \`data\` is valid and leaves Ajv's errors on \`.errors\`. */
export type Validator = ((data: unknown) => boolean) & { errors?: import("ajv").ErrorObject[] | null };`;

/** Writes both validator modules into `out` (generated/ or the `--out` of scripts/generate), from the bundles there. */
export function writeValidators(out: string): void {
  writeCaacAgentValidators(out);
  writeWebhookValidators(out);
}

function writeCaacAgentValidators(out: string): void {
  const API = "caac-agent";
  const PATH = "/caac/ai-agent";
  const bundle = JSON.parse(readFileSync(`${out}/${API}.bundle.json`, "utf8"));
  const operation = bundle.paths[PATH].post as Operation;
  const driftKeywords: unknown = bundle.info["x-caac-drift-keywords"];
  if (!Array.isArray(driftKeywords))
    throw new Error(`generate-validators: ${API} info.x-caac-drift-keywords must list the drift keywords`);
  const requestSchema = requireSchema(operation.requestBody.content["application/json"], API, PATH);
  const responseSchemas: Record<string, object> = {};
  const responseKeys: string[] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    for (const [mediaType, media] of Object.entries(response.content ?? {})) {
      const id = `response_${status}_${mediaType.replace(/\W/g, "_")}`;
      responseSchemas[id] = requireSchema(media, API, PATH);
      responseKeys.push(`    ${JSON.stringify(`${status} ${mediaType}`)}: checked.${id},`);
    }
  }
  // The structural check stops at the first error (allErrors off), so a hostile body with many
  // invalid items costs one error, not one per item. The strict and response checks list them
  // all: the strict one runs only on bodies that passed the structural check.
  const blocks = [
    compile("structure", false, { request: structural(requestSchema, driftKeywords) as object }),
    compile("checked", true, { requestStrict: strict(requestSchema) as object, ...responseSchemas }),
  ];
  writeModule(
    out,
    API,
    blocks.join("\n\n"),
    `/**
 * \`request\`: the structural check (what must be rejected).
 * \`requestStrict\`: the spec as written, unknown properties included (its errors are drift).
 * \`responses\`: one validator per documented "status media-type" response.
 */
export const validators: {
  request: Validator;
  requestStrict: Validator;
  responses: Readonly<Record<string, Validator>>;
} = {
  request: structure.request,
  requestStrict: checked.requestStrict,
  responses: {
${responseKeys.join("\n")}
  },
};
`,
  );
  console.log(`generated: ${API}.validators (${2 + responseKeys.length} validators)`);
}

/**
 * Compiles `schemas` (export name → schema) with one Ajv instance into a self-contained block of
 * standalone code. Ajv's CommonJS output is wrapped in its own function scope, so that several
 * blocks (compiled with different options) can share one module without name clashes.
 */
function compile(name: string, allErrors: boolean, schemas: Record<string, object>): string {
  const ajv = new Ajv2020({ allErrors, strict: false, code: { source: true, esm: false, lines: true } });
  addFormats.default(ajv);
  const exports: Record<string, string> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    ajv.addSchema(schema, id);
    exports[id] = id;
  }
  const code = standalone(ajv, exports);
  return `const ${name} = (() => {\nconst exports = {};\n${code.replace(/^"use strict";/, "")}\nreturn exports;\n})();`;
}

/**
 * The structural request schema: what the runtime rejects. The drift keywords (`format`, `enum`:
 * see docs/decisions/0006-tolerant-agent-reader.md) are dropped: a value of the right JSON type
 * that breaks them is drift, reported by the strict validator, not a reason to leave the customer
 * unanswered.
 */
function structural(schema: unknown, driftKeywords: readonly unknown[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => structural(item, driftKeywords));
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (driftKeywords.includes(key)) continue;
    // `properties` maps names to schemas: recurse into each without reading names as keywords.
    out[key] =
      key === "properties" && typeof value === "object" && value !== null
        ? Object.fromEntries(
            Object.entries(value).map(([name, sub]) => [name, structural(sub, driftKeywords)]),
          )
        : structural(value, driftKeywords);
  }
  return out;
}

/** The strict request schema: the spec as written, plus unknown properties reported (as drift). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === "properties" && typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strict(sub)]))
        : strict(value);
  }
  if ("properties" in out && out.additionalProperties === true) out.additionalProperties = false;
  return out;
}

function writeWebhookValidators(out: string): void {
  const API = "chataibot-webhook";
  // The event types the receiver types, by their type string, and the payload schema of each.
  const PAYLOADS = {
    conversation_create: "ConversationCreatePayload",
    message_exchange: "MessageExchangePayload",
  };
  const bundle = JSON.parse(readFileSync(`${out}/${API}.bundle.json`, "utf8"));
  const ajv = createAjv();
  const exports: Record<string, string> = {};
  const keys: string[] = [];
  for (const [type, name] of Object.entries(PAYLOADS)) {
    const schema = bundle.components?.schemas?.[name];
    if (!schema) throw new Error(`generate-validators: ${API} has no components.schemas.${name}`);
    ajv.addSchema(schema, type);
    exports[`validate_${type}`] = type;
    keys.push(`  ${type}: validate_${type},`);
  }
  writeModule(
    out,
    API,
    standalone(ajv, exports),
    `/** One payload validator per event type the receiver types. */
export const payloadValidators: Readonly<Record<${Object.keys(PAYLOADS)
      .map((type) => JSON.stringify(type))
      .join(" | ")}, Validator>> = {
${keys.join("\n")}
};
`,
  );
  console.log(`generated: ${API}.validators (${Object.keys(exports).length} validators)`);
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, code: { source: true, esm: true, lines: true } });
  addFormats.default(ajv);
  return ajv;
}

function standalone(ajv: Ajv2020, exports: Record<string, string>): string {
  let code = standaloneCode.default(ajv, exports);
  // Ajv's output still `require`s the format checkers; the module imports them once instead, from
  // src/core/formats.ts: ajv-formats' checkers with a fast path in front of date-time.
  const formatsRequire = 'require("ajv-formats/dist/formats").fullFormats';
  code = code.replaceAll(formatsRequire, "fullFormats");
  const leftover = /require\("[^"]+"\)/.exec(code);
  if (leftover)
    throw new Error(
      `generate-validators: unexpected ${leftover[0]} in Ajv's standalone output; map it to an import`,
    );
  return code;
}

function writeModule(out: string, api: string, code: string, surface: string): void {
  writeFileSync(
    `${out}/${api}.validators.ts`,
    `// Generated by \`npm run generate\` (scripts/generate-validators.ts) from specs/${api}/openapi.yaml. Do not edit by hand.
// @ts-nocheck -- Ajv standalone output; the typed surface is the \`validators\` export below.
import { fullFormats } from "../src/core/formats.js";
${code.replace(/^"use strict";/, "")}

${VALIDATOR_TYPE}

${surface}`,
  );
}

function requireSchema(media: Media | undefined, api: string, path: string): object {
  if (!media?.schema)
    throw new Error(`generate-validators: ${api} ${path} has a media type without a schema`);
  return media.schema;
}
