// Property-based fuzz of the handler, in-process: 10,000 generated requests, valid and invalid,
// against agents that answer, throw, return junk or miss the deadline.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN } from "../test-support/caac-requests.js";
import type { AgentReply } from "./agent.js";
import { createAgentHandler } from "./handler.js";
import { requestSchema, responses, responseValidator } from "./spec.js";
import { createRandom, mutations, type Schema, sample } from "./verify/sample.js";

const schema = requestSchema as Schema;
type Behaviour = "reply" | "object" | "throw" | "reject" | "junk" | "hang";
let behaviour: Behaviour = "reply";

const handler = createAgentHandler({
  token: TOKEN,
  deadlineMs: 5,
  maxBodyBytes: 4096,
  logger: { error: () => {}, warn: () => {} },
  agent: (conversation, { signal }): AgentReply | Promise<AgentReply> => {
    switch (behaviour) {
      case "reply":
        return `echo ${conversation.messages.length}`;
      case "object":
        return Promise.resolve({ replyText: "ok" });
      case "throw":
        throw new Error("agent bug");
      case "reject":
        return Promise.reject(new Error("agent failed"));
      case "junk":
        return 42 as never;
      case "hang":
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve("late")));
    }
  },
});

// "hang" costs the 5 ms deadline each time, so it is one choice in sixteen.
const behaviours = fc
  .nat(15)
  .map((n): Behaviour => (["hang", "object", "throw", "reject", "junk"] as const)[n] ?? "reply");
const validBody = fc
  .tuple(fc.integer(), fc.option(fc.string({ unit: "binary", maxLength: 40 })), fc.boolean())
  .map(([seed, text, health]) => {
    const body = sample(schema, createRandom(seed)) as Record<string, unknown>;
    if (text !== null) body.prompt = text;
    if (health) body.conversation_id = 0;
    return body;
  });
const invalidBody = fc.oneof(
  fc.tuple(fc.integer(), fc.nat()).map(([seed, pick]) => {
    const valid = sample(schema, createRandom(seed)) as Record<string, unknown>;
    const list = mutations(schema, valid);
    return JSON.stringify(list[pick % list.length]?.body);
  }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ maxLength: 5000, minLength: 4000 }),
);

const errors: unknown[] = [];
const onRejection = (error: unknown) => errors.push(error);
beforeAll(() => {
  process.on("unhandledRejection", onRejection);
});
afterAll(() => {
  process.off("unhandledRejection", onRejection);
});

async function check(request: Request, expectedStatus?: number): Promise<void> {
  const response = await handler(request);
  if (expectedStatus !== undefined) expect(response.status).toBe(expectedStatus);
  expect(response.status).toBeLessThan(500);
  expect(Object.keys(responses)).toContain(String(response.status));
  const validate = responseValidator(response.status, response.headers.get("content-type"));
  expect(validate, `documented content type for ${response.status}`).toBeDefined();
  const body: unknown = await response.json();
  expect(validate?.(body), JSON.stringify({ body, errors: validate?.errors })).toBe(true);
}

function post(body: string, headers: Record<string, string>, method = "POST"): Request {
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request("http://agent.test/", { method, headers, ...(hasBody ? { body } : {}) });
}

describe("handler fuzz", () => {
  it("answers 5,000 valid requests with a schema-valid 200, whatever the agent does", async () => {
    await fc.assert(
      fc.asyncProperty(validBody, behaviours, async (body, agentBehaviour) => {
        behaviour = agentBehaviour;
        const request = post(JSON.stringify(body), {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
        });
        await check(request, 200);
      }),
      { numRuns: 5_000 },
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it("answers 5,000 invalid requests with a documented 4xx and never a 5xx", async () => {
    const auth = fc.constantFrom(
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
      undefined,
      "Bearer nope",
      `Basic ${TOKEN}`,
    );
    const contentType = fc.constantFrom(
      "application/json",
      "application/json",
      "text/plain",
      "application/json; charset=utf-8",
      undefined,
    );
    const method = fc.constantFrom(
      "POST",
      "POST",
      "POST",
      "POST",
      "GET",
      "PUT",
      "DELETE",
      "PATCH",
      "OPTIONS",
    );
    await fc.assert(
      fc.asyncProperty(
        invalidBody,
        auth,
        contentType,
        method,
        behaviours,
        async (body, authorization, type, verb, agentBehaviour) => {
          behaviour = agentBehaviour;
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers.authorization = authorization;
          if (type !== undefined) headers["content-type"] = type;
          await check(post(body, headers, verb));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(errors).toEqual([]);
  }, 60_000);
});
