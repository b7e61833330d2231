// Proves the specs: every named example validates against its schema, the seed documents'
// examples are all present, and invalid variants of them are rejected.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { eventData, eventValue } from "../contract-tests/support/events.js";
import {
  APIS,
  type ApiName,
  describeErrors,
  eventDataSchema,
  type Json,
  type JsonObject,
  listOperations,
  loadBundle,
  type MediaType,
  type Operation,
  validatorFor,
} from "../contract-tests/support/openapi.js";

type NamedExample = { where: string; schema: JsonObject; value: Json };

function mediaExamples(where: string, media: MediaType): NamedExample[] {
  if (!media.schema) return [];
  const schema = media.schema;
  const named = Object.entries(media.examples ?? {}).map(([name, ex]) => ({
    where: `${where} example "${name}"`,
    schema,
    value: ex.value,
  }));
  if (media.example !== undefined) named.push({ where: `${where} example`, schema, value: media.example });
  return named;
}

function requestExamples(op: Operation): NamedExample[] {
  const content = op.raw.requestBody?.content ?? {};
  return Object.entries(content).flatMap(([type, media]) =>
    mediaExamples(`${op.operationId} request ${type}`, media),
  );
}

function responseExamples(op: Operation): NamedExample[] {
  return Object.entries(op.raw.responses).flatMap(([status, response]) =>
    Object.entries(response.content ?? {}).flatMap(([type, media]) =>
      mediaExamples(`${op.operationId} ${status} ${type}`, media),
    ),
  );
}

function example(api: ApiName, operationId: string, part: "request" | string, name: string): Json {
  const op = listOperations(api).find((o) => o.operationId === operationId);
  if (!op) throw new Error(`${api}: no operation ${operationId}`);
  const content = part === "request" ? op.raw.requestBody?.content : op.raw.responses[part]?.content;
  const media = content?.["application/json"];
  const found = media?.examples?.[name];
  if (!found) throw new Error(`${api} ${operationId} ${part}: no example "${name}"`);
  return found.value;
}

function requestSchema(api: ApiName, operationId: string): JsonObject {
  const op = listOperations(api).find((o) => o.operationId === operationId);
  const schema = op?.raw.requestBody?.content["application/json"]?.schema;
  if (!schema) throw new Error(`${api} ${operationId}: no JSON request schema`);
  return schema;
}

const isValid = (schema: JsonObject, value: unknown) => validatorFor(schema)(value);
const clone = <T>(value: T): T => structuredClone(value);

describe.each(APIS)("spec %s", (api) => {
  const operations = listOperations(api);

  it("has operations with unique resource_verb operationIds and a summary each", () => {
    expect(operations.length).toBeGreaterThan(0);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      expect(op.operationId, `${op.method} ${op.path}`).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
      expect(op.summary, op.operationId).not.toBe("");
    }
  });

  it("documents every schema and property with a description, and every scalar with an example", () => {
    const spec = parse(readFileSync(new URL(`./${api}/openapi.yaml`, import.meta.url), "utf8")) as JsonObject;
    const schemas = ((spec.components as JsonObject | undefined)?.schemas ?? {}) as Record<
      string,
      JsonObject
    >;
    const undocumented = Object.entries(schemas).flatMap(([name, schema]) => undocumentedIn(schema, name));
    expect(undocumented).toEqual([]);
  });

  it("validates every named request and response example against its schema", () => {
    const examples = operations.flatMap((op) => [...requestExamples(op), ...responseExamples(op)]);
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) {
      // The SSE body is a string schema; its example is checked by the streaming contract.
      const validate = validatorFor(ex.schema);
      expect(validate(ex.value), `${ex.where}: ${describeErrors(validate)}`).toBe(true);
    }
  });

  it("validates every parameter example against its schema", () => {
    for (const op of operations) {
      for (const p of op.raw.parameters ?? []) {
        const value = p.example ?? (p.schema.example as Json | undefined);
        expect(value, `${op.operationId} parameter ${p.name} has an example`).not.toBeUndefined();
        expect(isValid(p.schema, value), `${op.operationId} parameter ${p.name}`).toBe(true);
      }
    }
  });

  it("rejects each request example with one required field removed", () => {
    let checked = 0;
    for (const op of operations) {
      for (const ex of requestExamples(op)) {
        if (ex.value === null || typeof ex.value !== "object" || Array.isArray(ex.value)) continue;
        for (const field of Object.keys(ex.value)) {
          const mutated = clone(ex.value) as JsonObject;
          delete mutated[field];
          if (!isRequired(ex.schema, field)) continue;
          checked++;
          expect(isValid(ex.schema, mutated), `${ex.where} without required "${field}"`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("rejects each request example with a field of the wrong type", () => {
    let checked = 0;
    for (const op of operations) {
      for (const ex of requestExamples(op)) {
        if (ex.value === null || typeof ex.value !== "object" || Array.isArray(ex.value)) continue;
        for (const [field, value] of Object.entries(ex.value)) {
          const mutated = clone(ex.value) as JsonObject;
          // An object or array where a scalar was, and a number where a structure was.
          mutated[field] = typeof value === "object" && value !== null ? 12345 : { wrong: "type" };
          checked++;
          expect(isValid(ex.schema, mutated), `${ex.where} with "${field}" of the wrong type`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

/**
 * The query that asks for the page after `page`: `after` = its `cursor.after` (CAAC), or `start` =
 * its start plus its item count while below `total` (Fifth Element's `data.pagination`).
 */
function nextPageQuery(page: Json): [string, string] | undefined {
  const body = page as JsonObject;
  const after = (body.cursor as JsonObject | undefined)?.after;
  if (after !== undefined) return ["after", String(after)];
  const data = body.data as JsonObject | undefined;
  const pagination = data?.pagination as { start?: number; total?: number } | undefined;
  if (!data || !pagination) return undefined;
  const items = Object.values(data).find(Array.isArray) ?? [];
  const next = (pagination.start ?? 0) + items.length;
  return next < (pagination.total ?? 0) ? ["start", String(next)] : undefined;
}

type MockExampleSpec = { value: Json; "x-mock-match"?: JsonObject | JsonObject[]; "x-mock-stream"?: string };

describe.each(APIS)("spec %s: what the mocks serve", (api) => {
  const operations = listOperations(api);

  it("names only query parameters of its operation in x-mock-match, and chains pages to an end", () => {
    for (const op of operations) {
      const queryNames = new Set(
        (op.raw.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
      );
      for (const [status, response] of Object.entries(op.raw.responses)) {
        const examples = Object.entries(
          (response.content?.["application/json"]?.examples ?? {}) as Record<string, MockExampleSpec>,
        );
        const paged = examples.filter(([, ex]) => ex["x-mock-match"] !== undefined);
        if (paged.length === 0) continue;
        for (const [name, ex] of paged) {
          for (const entry of ([] as JsonObject[]).concat(ex["x-mock-match"] ?? [])) {
            for (const key of Object.keys(entry)) {
              expect(
                queryNames.has(key),
                `${op.operationId} ${status} ${name}: x-mock-match on "${key}"`,
              ).toBe(true);
            }
          }
        }
        // From the default (first) example, each page's next query selects the next page.
        const visited: string[] = [];
        let current = examples[0];
        while (current) {
          const [name, ex] = current;
          expect(visited, `${op.operationId}: page ${name} is reached twice`).not.toContain(name);
          visited.push(name);
          const query = nextPageQuery(ex.value);
          if (query === undefined) break;
          const [key, value] = query;
          const next = examples.find(([, e]) =>
            ([] as JsonObject[]).concat(e["x-mock-match"] ?? []).some((m) => m[key] === value),
          );
          expect(next, `${op.operationId}: no example is selected by ${key}=${value}`).toBeDefined();
          current = next;
        }
        expect(visited.length, `${op.operationId}: the default list has one page`).toBeGreaterThan(1);
        expect(visited.sort()).toEqual(
          paged
            .map(([name]) => name)
            .concat(examples[0]?.[0] ?? "")
            .sort(),
        );
      }
    }
  });

  it("streams only valid events; the default stream ends with [DONE], x-mock-stream is only stall", () => {
    for (const op of operations) {
      const media = op.raw.responses["200"]?.content?.["text/event-stream"];
      if (!media) continue;
      const validate = validatorFor(eventDataSchema(op));
      const examples = Object.entries((media.examples ?? {}) as Record<string, MockExampleSpec>);
      expect(examples.length, `${op.operationId}: named event-stream examples`).toBeGreaterThan(0);
      for (const [name, ex] of examples) {
        const events = eventData(String(ex.value));
        expect(events.length, `${op.operationId} ${name}: events`).toBeGreaterThan(0);
        for (const data of events) {
          expect(validate(eventValue(data)), `${op.operationId} ${name} event ${data}`).toBe(true);
        }
        expect([undefined, "stall"]).toContain(ex["x-mock-stream"]);
      }
      expect(eventData(String(examples[0]?.[1].value)).at(-1)).toBe("[DONE]");
    }
  });
});

/** Schema paths (inline, not $ref) lacking a description, or a scalar lacking an example. */
function undocumentedIn(schema: JsonObject, path: string): string[] {
  if (schema.$ref !== undefined) return [];
  const found: string[] = [];
  if (!schema.description) found.push(`${path}: no description`);
  const types = ([] as Json[]).concat(schema.type ?? []);
  const scalar =
    types.length > 0 &&
    !types.includes("object") &&
    !types.includes("array") &&
    !types.every((t) => t === "null");
  const exemplified = ["example", "examples", "enum", "const"].some((key) => schema[key] !== undefined);
  if (scalar && !exemplified) found.push(`${path}: no example`);
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)) {
    found.push(...undocumentedIn(property, `${path}.${name}`));
  }
  if (schema.items) found.push(...undocumentedIn(schema.items as JsonObject, `${path}[]`));
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    ((schema[key] ?? []) as JsonObject[]).forEach((branch, i) => {
      found.push(...undocumentedIn(branch, `${path}.${key}[${i}]`));
    });
  }
  return found;
}

/** Required at the top level, or in every branch of an anyOf/oneOf (then no branch can do without it). */
function isRequired(schema: JsonObject, field: string): boolean {
  if (Array.isArray(schema.required) && schema.required.includes(field)) return true;
  const branches = [...((schema.anyOf as JsonObject[]) ?? []), ...((schema.oneOf as JsonObject[]) ?? [])];
  return branches.length > 0 && branches.every((branch) => isRequired(branch, field));
}

describe("seed examples are present and invalid variants are rejected", () => {
  it("cavuer: both request examples, and the group rule", () => {
    const user = example("cavuer", "custom_messages_send", "request", "user_chat");
    expect(user).toEqual({
      chatId: "unique-chat-123",
      content: { text: "Hello! This is a message from the AI agent." },
      chatType: "user",
      chatName: "Support Chat",
    });
    const group = example("cavuer", "custom_messages_send", "request", "group_chat") as JsonObject;
    expect(group).toEqual({
      chatId: "group-789",
      content: {
        text: "Please review this document",
        url: "https://example.com/file.pdf",
        fileName: "instruction.pdf",
      },
      chatType: "group",
      participantId: "user-456",
    });
    const schema = requestSchema("cavuer", "custom_messages_send");
    const { participantId: _, ...groupWithoutParticipant } = group;
    expect(isValid(schema, groupWithoutParticipant)).toBe(false);
    expect(isValid(schema, { ...group, chatType: "channel" })).toBe(false);
    expect(isValid(schema, { chatId: "c", content: {} })).toBe(false);
    expect(isValid(schema, { chatId: "c", content: { fileName: "only-a-name.pdf" } })).toBe(false);
    expect(isValid(schema, { chatId: "c", content: { url: "https://example.com/a.png" } })).toBe(true);
    expect(isValid(schema, { content: { text: "no chat id" } })).toBe(false);
  });

  it("fifthelement: the documented bodies, errors and stream", () => {
    expect(example("fifthelement", "chat_send", "request", "basic_chat")).toEqual({
      message: "What are your business hours?",
      stream: false,
    });
    expect(example("fifthelement", "chat_send", "request", "continue_conversation")).toEqual({
      message: "Can you elaborate on that?",
      stream: false,
      conversationId: "conv_abc123",
    });
    expect(example("fifthelement", "chat_send", "request", "new_conversation")).toEqual({
      message: "Hello",
      conversationId: null,
    });
    expect(example("fifthelement", "chat_send", "200", "success")).toEqual({
      data: {
        response: "AI agent's response text",
        conversationId: "conv_abc123",
        metadata: { model: "gpt-4", tokens: 150 },
      },
      error: null,
    });
    const errors: Record<string, [string, string]> = {
      "400": ["ValidationError", "Message field is required"],
      "401": ["UnauthorizedError", "Invalid or missing API token"],
      "404": ["NotFoundError", "Agent with slug 'support-agent' not found"],
    };
    const op = listOperations("fifthelement").find((o) => o.operationId === "chat_send");
    for (const [status, [name, message]] of Object.entries(errors)) {
      const examples = Object.values(
        op?.raw.responses[status]?.content?.["application/json"]?.examples ?? {},
      );
      expect(examples.map((e) => e.value)).toContainEqual({
        data: null,
        error: { name, message, details: {} },
      });
    }
    const stream = op?.raw.responses["200"]?.content?.["text/event-stream"]?.examples?.seed?.value;
    expect(String(stream).match(/^data: .*$/gm)).toEqual([
      'data: {"chunk": "Hello"}',
      'data: {"chunk": " there!"}',
      'data: {"chunk": " How"}',
      'data: {"chunk": " can"}',
      'data: {"chunk": " I"}',
      'data: {"chunk": " help"}',
      'data: {"chunk": "?"}',
      "data: [DONE]",
    ]);
    const schema = requestSchema("fifthelement", "chat_send");
    expect(isValid(schema, { stream: true })).toBe(false);
    expect(isValid(schema, { message: "hi", conversationId: 42 })).toBe(false);
    expect(isValid(schema, { message: "hi", async: "yes" })).toBe(false);
  });

  it("caac-agent: the documented request and reply; version 1.0 only", () => {
    const request = example("caac-agent", "ai_agent_reply", "request", "seed") as JsonObject;
    expect(request.conversation_id).toBe(98765);
    expect(request.messages).toEqual([
      {
        message_type: "text",
        message_uuid: "550e8400-e29b-41d4-a716-446655440000",
        sender_id: 12345,
        sender_type: "member",
        text: "I would like to know more about your products",
        timestamp: "2025-05-21T05:06:00Z",
      },
    ]);
    expect(request.participants).toEqual({
      members: [
        {
          channel_id: 12345,
          channel_member_id: "U1234567890abcdef1234567890abcdef",
          channel_type: "line",
          external_member_id: "string",
          member_id: 67890,
        },
      ],
    });
    const reply = example("caac-agent", "ai_agent_reply", "200", "seed") as JsonObject;
    expect(String(reply.reply_text)).toMatch(/^Hello! Thank you for your inquiry about our products\./);
    const schema = requestSchema("caac-agent", "ai_agent_reply");
    expect(isValid(schema, { ...request, version: "2.0" })).toBe(false);
    expect(isValid(schema, { ...request, conversation_id: 0 })).toBe(true);
    expect(isValid(schema, { ...request, conversation_id: "98765" })).toBe(false);
    const { messages: _, ...withoutMessages } = request;
    expect(isValid(schema, withoutMessages)).toBe(false);
    expect(loadBundle("caac-agent").info).toMatchObject({
      "x-caac-timeout-seconds": 45,
      "x-caac-handover-marker": "<HUMAN_HANDOVER>",
    });
  });

  it("chataibot: the documented bodies; a visitor id is mandatory", () => {
    const start = example("chataibot", "conversations_create", "request", "seed") as JsonObject;
    expect(start).toMatchObject({
      channel: "API",
      message: { data: { body: "Hello" }, type: "text" },
      from: { type: "VISITOR" },
    });
    const response = example("chataibot", "conversations_create", "200", "seed") as JsonObject;
    expect(response).toMatchObject({
      ok: true,
      conversation: { created_at: "2025-02-10 20:21:03.913000" },
      contact: { phone: "9999999999" },
    });
    expect(example("chataibot", "conversation_messages_create", "200", "seed")).toEqual({
      ok: true,
      message_id: "6HRBshHEcV8P103039226478taGDJQxC",
    });
    const schema = requestSchema("chataibot", "conversations_create");
    expect(isValid(schema, { ...start, from: { type: "VISITOR" } })).toBe(false);
    expect(isValid(schema, { ...start, message: { data: { body: "" }, type: "text" } })).toBe(false);
  });

  it("caac: page sizes are 1 to 1000, default 100, on every paginated list", () => {
    const lists = listOperations("caac").filter((op) =>
      (op.raw.parameters ?? []).some((p) => p.name === "limit"),
    );
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const op of lists) {
      const limit = op.raw.parameters?.find((p) => p.name === "limit");
      expect(limit?.schema.default, op.operationId).toBe(100);
      expect(isValid(limit?.schema ?? {}, 1001), `${op.operationId} limit 1001`).toBe(false);
      expect(isValid(limit?.schema ?? {}, 0), `${op.operationId} limit 0`).toBe(false);
      expect(isValid(limit?.schema ?? {}, 1000), `${op.operationId} limit 1000`).toBe(true);
      const names = (op.raw.parameters ?? []).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(["cursor", "after", "before"]));
    }
  });

  it("caac: every operation marks its path as inferred", () => {
    for (const op of listOperations("caac")) {
      expect(op.raw["x-inferred-path"], op.operationId).toBe(true);
    }
  });
});

describe("inferred parts say why and where from", () => {
  /** Every object of the spec carrying `x-inferred: true`, by its JSON path. */
  function inferredNodes(node: Json, path: string, found: Array<[string, JsonObject]>): void {
    if (node === null || typeof node !== "object") return;
    if (!Array.isArray(node) && node["x-inferred"] === true) found.push([path, node]);
    for (const [key, child] of Object.entries(node)) inferredNodes(child as Json, `${path}/${key}`, found);
  }

  it.each(["fifthelement", "chataibot-webhook"])(
    "%s: every x-inferred mark has an x-inferred-reason and an x-inferred-source URL",
    (api) => {
      const spec = parse(readFileSync(new URL(`./${api}/openapi.yaml`, import.meta.url), "utf8")) as Json;
      const found: Array<[string, JsonObject]> = [];
      inferredNodes(spec, "", found);
      expect(found.length).toBeGreaterThan(0);
      for (const [path, node] of found) {
        expect(typeof node["x-inferred-reason"], `${path} x-inferred-reason`).toBe("string");
        expect(String(node["x-inferred-source"]), `${path} x-inferred-source`).toMatch(/^https:\/\//);
      }
    },
  );

  it("chataibot-webhook: the documented type is conversation_create; message_exchange is marked inferred", () => {
    const spec = loadBundle("chataibot-webhook") as JsonObject;
    const schemas = (spec.components as JsonObject).schemas as Record<string, JsonObject>;
    expect(schemas.MessageExchangePayload?.["x-inferred"]).toBe(true);
    expect(schemas.ConversationCreatePayload?.["x-inferred"]).toBeUndefined();
    const conversation = example("chataibot-webhook", "events_receive", "request", "conversation_create");
    expect(conversation).toMatchObject({ events: [{ event: { type: "conversation_create" } }] });
  });
});
