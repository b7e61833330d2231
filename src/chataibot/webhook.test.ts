import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Json,
  type JsonObject,
  listOperations,
  validatorFor,
} from "../../contract-tests/support/openapi.js";
import {
  type ChatAIBotEvent,
  type ChatAIBotWebhookOptions,
  createChatAIBotWebhookHandler,
  DEFAULT_WEBHOOK_MAX_WAIT_MS,
  type WebhookLogger,
} from "./index.js";

const token = "whk_SECRET_3f9a1c7e5b2d4a60";
const url = "https://receiver.example/chataibot/events";

/** Every logger call of every test, to prove the token never reaches a log. */
const logged: unknown[] = [];
function recordingLogger() {
  const warn = vi.fn((...args: unknown[]) => logged.push(args));
  const error = vi.fn((...args: unknown[]) => logged.push(args));
  return { warn, error } satisfies WebhookLogger;
}

function setup(overrides: Partial<ChatAIBotWebhookOptions> = {}) {
  const events: ChatAIBotEvent[] = [];
  const logger = recordingLogger();
  const handler = createChatAIBotWebhookHandler({
    token,
    onEvent: (event) => {
      events.push(event);
    },
    logger,
    ...overrides,
  });
  return { handler, events, logger };
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const operation = listOperations("chataibot-webhook").find((op) => op.operationId === "events_receive");
function specExample(name: string): JsonObject {
  const value = operation?.raw.requestBody?.content["application/json"]?.examples?.[name]?.value;
  if (!value) throw new Error(`no request example ${name}`);
  return structuredClone(value) as JsonObject;
}
/** Asserts the response is one the spec documents for its status, with a matching body. */
async function expectDocumented(response: Response): Promise<Json> {
  const responses = operation?.raw.responses ?? {};
  const documented = responses[String(response.status)];
  expect(documented, `status ${response.status} is documented`).toBeDefined();
  const type = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
  const schema = documented?.content?.[type]?.schema;
  expect(schema, `${response.status} ${type} is documented`).toBeDefined();
  const body = (await response.json()) as Json;
  const validate = validatorFor(schema as JsonObject);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

const delivery = (...events: unknown[]) => ({ token, events });
const messageExchange = (body: string) => ({
  event: {
    type: "message_exchange",
    payload: { conversation_id: "c1", sender: { type: "bot" }, message: { type: "text", data: { body } } },
  },
});

afterEach(() => {
  vi.useRealTimers();
  expect(JSON.stringify(logged)).not.toContain(token);
});

describe("the handshake", () => {
  it("answers a POST carrying the configured token with 200 and the token as JSON", async () => {
    const { handler, events } = setup();
    // The spec's example, carrying the configured token instead of the example's.
    const response = await handler(post({ ...specExample("handshake"), token }));
    expect(response.status).toBe(200);
    expect(await expectDocumented(response)).toEqual({ token });
    expect(events).toEqual([]);
  });

  it("answers with the bare token as text/plain when handshakeReply is text", async () => {
    const { handler } = setup({ handshakeReply: "text" });
    const response = await handler(post({ token }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(token);
  });

  it("refuses a wrong token with 401 and never echoes the configured one", async () => {
    const { handler } = setup();
    for (const wrong of ["whk_wrong", `${token}x`, token.slice(0, -1), "", 42]) {
      const response = await handler(post({ token: wrong }));
      expect(response.status, String(wrong)).toBe(401);
      const text = await response.clone().text();
      expect(text).not.toContain(token);
      await expectDocumented(response);
    }
  });
});

describe("deliveries", () => {
  it("checks the body token, answers 200 with the count, and hands each event to onEvent in order, typed", async () => {
    const { handler, events } = setup();
    // The spec's examples; their events are re-sent with the configured token.
    const conversation = specExample("conversation_create");
    const message = specExample("message_exchange");
    const body = delivery(...(conversation.events as Json[]), ...(message.events as Json[]));
    const response = await handler(post(body));
    expect(response.status).toBe(200);
    expect(await expectDocumented(response)).toEqual({ ok: true, received: 2 });
    expect(events.map((e) => [e.typed, e.type])).toEqual([
      [true, "conversation_create"],
      [true, "message_exchange"],
    ]);
    const reply = events[1];
    if (!reply?.typed || reply.type !== "message_exchange") throw new Error("not a typed message_exchange");
    expect(reply.payload.message?.data?.body).toBe("Hi! How can I help you today?");
    expect(reply.raw).toEqual((message.events as Json[])[0]);
  });

  it("accepts the token as Authorization: Bearer or as a token header instead of the body", async () => {
    const { handler, events } = setup();
    const body = { events: [messageExchange("a")] };
    expect((await handler(post(body, { authorization: `Bearer ${token}` }))).status).toBe(200);
    expect((await handler(post(body, { token }))).status).toBe(200);
    expect(events).toHaveLength(2);
  });

  it("refuses a delivery without a valid token with 401 and calls no onEvent", async () => {
    const { handler, events } = setup();
    const body = { events: [messageExchange("a")] };
    expect((await handler(post(body))).status).toBe(401);
    expect((await handler(post({ ...body, token: "nope" }))).status).toBe(401);
    expect((await handler(post(body, { authorization: "Bearer nope", token: "nope" }))).status).toBe(401);
    expect((await handler(post(body, { authorization: token }))).status).toBe(401);
    expect(events).toEqual([]);
  });

  it("passes an event of an unmodelled type through untouched, without a warning", async () => {
    const { handler, events, logger } = setup();
    const entry = {
      event: { type: "sla_breached", payload: { conversation_id: "c1", minutes: 30 } },
      extra: 1,
    };
    expect((await handler(post(delivery(entry)))).status).toBe(200);
    expect(events).toEqual([
      { typed: false, type: "sla_breached", payload: entry.event.payload, raw: entry, problems: [] },
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("treats type names of Object.prototype as unmodelled types", async () => {
    const { handler, events } = setup();
    const entries = ["__proto__", "toString", "constructor"].map((type) => ({
      event: { type, payload: {} },
    }));
    expect((await handler(post(delivery(...entries)))).status).toBe(200);
    expect(events.map((e) => [e.typed, e.type])).toEqual([
      [false, "__proto__"],
      [false, "toString"],
      [false, "constructor"],
    ]);
  });

  it("passes a known type whose payload does not match the spec as untyped, with a warning", async () => {
    const { handler, events, logger } = setup();
    const entry = { event: { type: "message_exchange", payload: { message: "just a string" } } };
    expect((await handler(post(delivery(entry)))).status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ typed: false, type: "message_exchange", payload: entry.event.payload });
    expect((events[0] as { problems: string[] }).problems.join()).toMatch(
      /\/events\/0\/event\/payload\/message/,
    );
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("does not match the spec"), {
      type: "message_exchange",
      problems: expect.any(Array),
    });
  });

  it("passes malformed entries on as untyped with their problems, never dropping one", async () => {
    const { handler, events, logger } = setup();
    const response = await handler(
      post(delivery("oops", { event: { payload: {} } }, { event: { type: "x" } })),
    );
    expect(await response.json()).toEqual({ ok: true, received: 3 });
    expect(events.map((e) => (e.typed ? [] : e.problems))).toEqual([
      ["/events/0/event: must be an object"],
      ["/events/1/event/type: must be a non-empty string"],
      [],
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it("logs an onEvent failure, redacted, answers 200 and still delivers the next event", async () => {
    const seen: string[] = [];
    const { handler, logger } = setup({
      onEvent: (event) => {
        seen.push(String(event.type));
        if (seen.length === 1) throw new Error(`database down while handling token ${token}`);
      },
    });
    const response = await handler(post(delivery(messageExchange("a"), messageExchange("b"))));
    expect(response.status).toBe(200);
    expect(seen).toEqual(["message_exchange", "message_exchange"]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.error.mock.calls)).toContain("database down");
    expect(JSON.stringify(logger.error.mock.calls)).toContain("[redacted]");
  });

  it("answers once onEvent is done when it is quick", async () => {
    let done = false;
    const { handler } = setup({
      onEvent: async () => {
        await Promise.resolve();
        done = true;
      },
    });
    await handler(post(delivery(messageExchange("a"))));
    expect(done).toBe(true);
  });

  it("answers after maxWaitMs (default 1 s) without waiting for a slow onEvent, which goes on via waitUntil", async () => {
    vi.useFakeTimers();
    let finish: () => void = () => {};
    const { handler } = setup({ onEvent: () => new Promise<void>((resolve) => (finish = resolve)) });
    const kept: Promise<unknown>[] = [];
    let answered = false;
    const pending = handler(post(delivery(messageExchange("a"))), { waitUntil: (p) => kept.push(p) }).then(
      (response) => {
        answered = true;
        return response;
      },
    );
    await vi.advanceTimersByTimeAsync(DEFAULT_WEBHOOK_MAX_WAIT_MS - 1);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
    expect(kept).toHaveLength(1);
    let settled = false;
    void kept[0]?.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    finish();
    await kept[0];
    expect(settled).toBe(true);
    expect(DEFAULT_WEBHOOK_MAX_WAIT_MS).toBe(1_000);
  });

  it("answers at once with maxWaitMs 0", async () => {
    const { handler } = setup({ maxWaitMs: 0, onEvent: () => new Promise<void>(() => {}) });
    expect((await handler(post(delivery(messageExchange("a"))))).status).toBe(200);
  });
});

describe("requests that are not deliveries", () => {
  it("answers a non-POST with 405 and Allow: POST", async () => {
    const { handler } = setup();
    const response = await handler(new Request(url));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    await expectDocumented(response);
  });

  it("answers a non-JSON content type with 415, and reads a body without one as JSON", async () => {
    const { handler } = setup();
    const form = new Request(url, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    const response = await handler(form);
    expect(response.status).toBe(415);
    await expectDocumented(response);
    const untyped = new Request(url, { method: "POST", body: new Blob([JSON.stringify({ token })]) });
    expect(untyped.headers.get("content-type")).toBeNull();
    expect((await handler(untyped)).status).toBe(200);
    const vendorJson = post({ token }, { "content-type": "application/vnd.wotnot+json; charset=utf-8" });
    expect((await handler(vendorJson)).status).toBe(200);
  });

  it("answers malformed JSON, a non-object body and non-array events with 400", async () => {
    const { handler, events } = setup();
    for (const body of ['{"token": ', "[1,2]", '"text"', JSON.stringify({ token, events: { event: {} } })]) {
      const response = await handler(post(body));
      expect(response.status, body).toBe(400);
      await expectDocumented(response);
    }
    expect(events).toEqual([]);
  });

  it("never echoes the body in a 400, so a token in malformed JSON does not come back", async () => {
    const { handler } = setup();
    // V8 quotes the text around the error; unquoted, the token is right there.
    const response = await handler(post(`{"token": ${token}}`));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(token.slice(0, 8));
    expect(JSON.parse(text).detail).toMatch(/^The body is not valid JSON/);
  });

  it("never echoes the token as a method or content type, and caps what it quotes", async () => {
    const { handler } = setup();
    const asMethod = new Request(url, { method: token });
    const asType = post(delivery(), { "content-type": `text/${token}` });
    const long = post(delivery(), { "content-type": `text/${"x".repeat(300)}` });
    for (const [request, status] of [
      [asMethod, 405],
      [asType, 415],
      [long, 415],
    ] as const) {
      const response = await handler(request);
      expect(response.status).toBe(status);
      const { detail } = (await response.json()) as { detail: string };
      expect(detail).not.toContain(token);
      expect(detail.length).toBeLessThan(120);
    }
  });

  it("answers a body over maxBodyBytes with 413, by Content-Length or while streaming", async () => {
    const { handler } = setup({ maxBodyBytes: 64 });
    const big = JSON.stringify({ token, padding: "x".repeat(100) });
    const declared = await handler(post(big, { "content-length": String(big.length) }));
    expect(declared.status).toBe(413);
    await expectDocumented(declared);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
  });

  it("rejects bad options at creation", () => {
    const onEvent = () => {};
    expect(() => createChatAIBotWebhookHandler({ token: "", onEvent })).toThrow(/token/);
    expect(() => createChatAIBotWebhookHandler({ token, onEvent: undefined as never })).toThrow(/onEvent/);
    expect(() => createChatAIBotWebhookHandler({ token, onEvent, maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(() => createChatAIBotWebhookHandler({ token, onEvent, maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
  });

  it("refuses the tokens createAgentHandler refuses, naming the option and the rule but never the token", () => {
    const onEvent = () => {};
    const refused: [string, RegExp][] = [
      [` ${token} `, /`token`.*whitespace/],
      [`${token}\n`, /`token`.*whitespace/],
      ["   ", /`token`.*at least 12 characters/],
      ["0", /`token`.*at least 12 characters/],
      ["x".repeat(11), /`token`.*at least 12 characters/],
    ];
    for (const [bad, rule] of refused) {
      let thrown: unknown;
      try {
        createChatAIBotWebhookHandler({ token: bad, onEvent });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(bad)).toBeInstanceOf(TypeError);
      expect(String(thrown)).toMatch(/^TypeError: createChatAIBotWebhookHandler: /);
      expect(String(thrown)).toMatch(rule);
      if (bad.trim().length > 1) expect(String(thrown)).not.toContain(bad.trim());
    }
    expect(() => createChatAIBotWebhookHandler({ token: 42 as never, onEvent })).toThrow(
      /`token`: every token must be a string/,
    );
    expect(() => createChatAIBotWebhookHandler({ token: "x".repeat(12), onEvent })).not.toThrow();
  });
});

describe("drift logging", () => {
  it("logs one warning per distinct problem, and a count of the rest, for a delivery of 150,000 null events", async () => {
    const { handler, events, logger } = setup({ maxWaitMs: 0 });
    const response = await handler(post(`{"token":"${token}","events":[${Array(150_000).fill("null")}]}`));
    expect(await response.json()).toEqual({ ok: true, received: 150_000 });
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenNthCalledWith(1, expect.stringContaining("does not match the spec"), {
      type: undefined,
      problems: ["/events/*/event: must be an object"],
    });
    expect(logger.warn).toHaveBeenNthCalledWith(2, expect.stringContaining("not logged"), {
      notLogged: 149_999,
      maxDistinctWarnings: 100,
    });
    // Every event still reaches onEvent, with its own index in its problems.
    await vi.waitFor(() => expect(events).toHaveLength(150_000));
    expect(events[149_999]).toMatchObject({
      typed: false,
      problems: ["/events/149999/event: must be an object"],
    });
  });

  it("logs at most 100 distinct problems per handler, then only a count per delivery", async () => {
    const { handler, logger } = setup({ maxWaitMs: 0 });
    // 255 distinct problem lists: every non-empty subset of eight fields, each given the wrong type.
    const fields = [
      ["created_at"],
      ["title"],
      ["bot_id"],
      ["assigned_to_user", "email"],
      ["assigned_to_user", "id"],
      ["assigned_to_user", "type"],
      ["channel", "name"],
      ["channel", "provider"],
    ];
    const conversationCreate = (mask: number) => {
      const payload: Record<string, Record<string, unknown> | unknown[]> = {
        assigned_to_user: {},
        channel: {},
      };
      fields.forEach(([outer = "", inner], bit) => {
        if (!(mask & (1 << bit))) return;
        const parent = payload[outer];
        if (inner === undefined) payload[outer] = [];
        else if (parent && !Array.isArray(parent)) parent[inner] = [];
      });
      return { event: { type: "conversation_create", payload } };
    };
    const entries = Array.from({ length: 255 }, (_, n) => conversationCreate(n + 1));
    expect((await handler(post(delivery(...entries)))).status).toBe(200);
    const distinct = logger.warn.mock.calls.filter(([message]) => String(message).includes("does not match"));
    expect(distinct.length).toBeGreaterThan(50);
    expect(distinct.length).toBeLessThanOrEqual(100);
    expect(logger.warn).toHaveBeenLastCalledWith(expect.stringContaining("not logged"), {
      notLogged: 255 - distinct.length,
      maxDistinctWarnings: 100,
    });
    logger.warn.mockClear();
    // A later delivery whose problems were never seen: the cap is reached, so only its count is logged.
    expect((await handler(post(delivery({ event: { type: 7 } }, "again")))).status).toBe(200);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("not logged"), {
      notLogged: 2,
      maxDistinctWarnings: 100,
    });
  });
});

describe("hostile input", () => {
  it("answers any JSON body with a documented status, never 500, and never leaks the token", async () => {
    const { handler } = setup({ maxWaitMs: 0 });
    const entry = fc.oneof(
      fc.jsonValue(),
      fc.record({ event: fc.record({ type: fc.string(), payload: fc.jsonValue() }, { requiredKeys: [] }) }),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          token: fc.oneof(fc.constant(token), fc.string(), fc.jsonValue()),
          events: fc.oneof(fc.array(entry), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const response = await handler(post(JSON.stringify(value)));
        expect([200, 400, 401]).toContain(response.status);
        const text = await response.text();
        if (!(isObjectWithToken(value) && value.token === token && value.events === undefined)) {
          expect(text).not.toContain(token);
        }
      }),
      { numRuns: 200 },
    );
  });
});

function isObjectWithToken(value: unknown): value is { token: unknown; events?: unknown } {
  return typeof value === "object" && value !== null && "token" in value;
}

describe("portability", () => {
  it("imports no node: module, directly or through what it imports", () => {
    const files = [
      "src/chataibot/webhook.ts",
      "src/core/body.ts",
      "src/core/problem.ts",
      "src/core/token-rules.ts",
      "src/core/formats.ts",
      "generated/chataibot-webhook.validators.ts",
    ];
    for (const file of files) {
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
      expect(source, file).not.toMatch(/from\s+["']node:|require\(["']node:/);
      const relative = [...source.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
      for (const path of relative) {
        const resolved = new URL(path ?? "", new URL(`../../${file}`, import.meta.url)).pathname.replace(
          /\.js$/,
          ".ts",
        );
        expect(
          files.some((f) => resolved.endsWith(f)) || resolved.endsWith("chataibot-webhook.ts"),
          `${file} imports ${path}, which this test does not check`,
        ).toBe(true);
      }
    }
  });
});
