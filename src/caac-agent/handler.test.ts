import { describe, expect, it, vi } from "vitest";
import { caacRequest, healthBody, seedBody, TOKEN } from "../test-support/caac-requests.js";
import type { Agent } from "./agent.js";
import { createAgentHandler, DEFAULT_DEADLINE_MS, DEFAULT_FALLBACK, type Logger } from "./handler.js";
import { HUMAN_HANDOVER } from "./handover.js";
import { responseValidator } from "./spec.js";

const echo: Agent = (conversation) => `You said: ${conversation.messages.at(-1)?.text ?? "nothing"}`;

type SetupOptions = Omit<Parameters<typeof createAgentHandler>[0], "token" | "tokens"> & {
  token?: string;
  tokens?: readonly string[];
};

function setup(options: Partial<SetupOptions> = {}) {
  const logs: string[] = [];
  const logger: Logger = {
    error: (message, details) => logs.push(`${message} ${JSON.stringify(details)}`),
    warn: (message, details) => logs.push(`${message} ${JSON.stringify(details)}`),
    info: (message, details) => logs.push(`${message} ${JSON.stringify(details)}`),
  };
  const { tokens, token, ...rest } = options;
  const handler = createAgentHandler({
    agent: echo,
    logger,
    ...rest,
    ...(tokens ? { tokens } : { token: token ?? TOKEN }),
  });
  return { handler, logs };
}

async function read(response: Response) {
  const body = (await response.json()) as Record<string, unknown>;
  const validate = responseValidator(response.status, response.headers.get("content-type"));
  expect(validate, `status ${response.status} is documented with its content type`).toBeDefined();
  expect(validate?.(body), JSON.stringify(validate?.errors)).toBe(true);
  return body;
}

describe("createAgentHandler", () => {
  it("answers a valid conversation with the agent's reply as application/json", async () => {
    const { handler } = setup();
    const response = await handler(caacRequest());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await read(response)).toEqual({
      reply_text: "You said: I would like to know more about your products",
    });
  });

  it("gives the agent typed camelCase input and the raw body", async () => {
    const agent = vi.fn<Agent>(() => "ok");
    const { handler } = setup({ agent });
    await handler(caacRequest());
    const [conversation, context] = agent.mock.calls[0] ?? [];
    expect(conversation).toMatchObject({
      conversationId: 98765,
      orgUuid: seedBody.org_uuid,
      prompt: seedBody.prompt,
      participants: seedBody.participants,
      raw: seedBody,
    });
    expect(conversation?.messages).toHaveLength(1);
    expect(context?.signal.aborted).toBe(false);
  });

  it("accepts { replyText } replies", async () => {
    const { handler } = setup({ agent: async () => ({ replyText: "hi" }) });
    expect(await read(await handler(caacRequest()))).toEqual({ reply_text: "hi" });
  });

  it("answers 405 with Allow: POST for other methods", async () => {
    const { handler } = setup();
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const response = await handler(caacRequest(seedBody, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect((await read(response)).status).toBe(405);
    }
  });

  it("answers 401 with WWW-Authenticate for a missing, wrong or malformed token", async () => {
    const { handler } = setup();
    for (const init of [
      { token: null },
      { token: "wrong" },
      { token: `${TOKEN}x` },
      { token: TOKEN.slice(0, -1) },
      { token: null, headers: { authorization: TOKEN } },
      { token: null, headers: { authorization: `Basic ${TOKEN}` } },
    ]) {
      const response = await handler(caacRequest(seedBody, init));
      expect(response.status, JSON.stringify(init)).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="caac-ai-agent"');
      const body = await read(response);
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
  });

  it("accepts every token during rotation", async () => {
    const { handler } = setup({ tokens: ["old-token-0001", "new-token-0002"] });
    expect((await handler(caacRequest(seedBody, { token: "old-token-0001" }))).status).toBe(200);
    expect((await handler(caacRequest(seedBody, { token: "new-token-0002" }))).status).toBe(200);
    expect((await handler(caacRequest(seedBody, { token: "other-token-0003" }))).status).toBe(401);
  });

  it("refuses to start without a token", () => {
    expect(() => createAgentHandler({ tokens: [], agent: echo })).toThrow(/token/);
    expect(() => createAgentHandler({ token: "", agent: echo })).toThrow(/token/);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const { handler } = setup();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const response = await handler(caacRequest(seedBody, { headers: { "content-type": type } }));
      expect(response.status, type).toBe(415);
      await read(response);
    }
    const charset = await handler(
      caacRequest(seedBody, { headers: { "content-type": "application/json; charset=utf-8" } }),
    );
    expect(charset.status).toBe(200);
  });

  it("answers 413 from Content-Length without reading the body", async () => {
    const { handler } = setup({ maxBodyBytes: 100 });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(50));
      },
    });
    const request = new Request("http://agent.test/", {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        "content-length": "5000",
      },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
    await read(response);
  });

  it("answers 413 once a streamed body passes the limit and stops reading it", async () => {
    const { handler } = setup({ maxBodyBytes: 1000 });
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(300));
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://agent.test/", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it("answers 400 naming the problem for malformed JSON", async () => {
    const { handler } = setup();
    const response = await handler(caacRequest(undefined, { raw: '{"messages": [' }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await read(response);
    expect(body.detail).toMatch(/not valid JSON/);
    expect(body.errors).toEqual([{ field: "", message: expect.stringMatching(/^is not valid JSON/) }]);
  });

  it("answers 400 naming the first bad field for schema violations (validation stops there)", async () => {
    const { handler } = setup();
    const { participants: _dropped, ...rest } = seedBody;
    const bad = { ...rest, conversation_id: -1, messages: [{ text: 5, sender_id: "x" }] };
    const response = await handler(caacRequest(bad));
    expect(response.status).toBe(400);
    const body = await read(response);
    const errors = body.errors as { field: string; message: string }[];
    expect(errors).toHaveLength(1);
    expect(["/conversation_id", "/messages/0/sender_id", "/messages/0/text", "/participants"]).toContain(
      errors[0]?.field,
    );
    expect(body.detail).toContain(errors[0]?.field);
  });

  it("answers conversations that deviate only in format, and warns once per field (drift)", async () => {
    const { handler, logs } = setup();
    const message = seedBody.messages[0] as Record<string, unknown>;
    const drifted = {
      ...seedBody,
      org_uuid: "org-42",
      messages: [
        { ...message, message_uuid: "msg-1", timestamp: "2025-05-21T05:06:00", reaction: "like" },
        { ...message, message_uuid: "msg-2", timestamp: "2025-05-21 05:07:00" },
      ],
      channel: "line",
    };
    for (let i = 0; i < 2; i++) {
      const response = await handler(caacRequest(drifted));
      expect(response.status).toBe(200);
      expect((await read(response)).reply_text).toMatch(/^You said: /);
    }
    const drift = logs.filter((line) => line.includes("deviates from the spec"));
    const details = drift.map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
    const fields = details.map((detail) => detail.field);
    expect(fields.sort()).toEqual([
      "/channel",
      "/messages/*/message_uuid",
      "/messages/*/reaction",
      "/messages/*/timestamp",
      "/org_uuid",
    ]);
    expect(details).toContainEqual({
      field: "/org_uuid",
      rule: 'must match format "uuid"',
      conversationId: seedBody.conversation_id,
    });
  });

  it("still rejects what makes answering impossible", async () => {
    const { handler } = setup();
    const { participants: _dropped, ...noParticipants } = seedBody;
    for (const body of [
      noParticipants,
      { ...seedBody, messages: "nope" },
      { ...seedBody, messages: [{ text: 5 }] },
      { ...seedBody, conversation_id: "98765" },
      { ...seedBody, version: "2.0" },
      [],
    ]) {
      const response = await handler(caacRequest(body));
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
  });

  it("keeps a 400 small however many items are invalid", async () => {
    const { handler } = setup({ maxBodyBytes: 2 * 1024 * 1024 });
    const messages = `[${"1,".repeat(500_000)}1]`;
    const raw = `{"version":"1.0","participants":{},"messages":${messages}}`;
    const response = await handler(caacRequest(undefined, { raw }));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.length).toBeLessThan(8 * 1024);
    const body = JSON.parse(text) as { errors: unknown[] };
    expect(body.errors.length).toBeGreaterThan(0);
    expect(body.errors.length).toBeLessThanOrEqual(20);
  });

  it("answers 400 naming the supported versions for another version", async () => {
    const { handler } = setup();
    const response = await handler(caacRequest({ ...seedBody, version: "2.0" }));
    expect(response.status).toBe(400);
    const body = await read(response);
    expect(body.detail).toBe('Unsupported version "2.0"; supported versions: "1.0".');
    expect(body.errors).toEqual([{ field: "/version", message: 'must be one of: "1.0"' }]);
  });

  it("answers health checks (conversation_id 0) at once without calling the agent", async () => {
    const agent = vi.fn<Agent>(() => "should not be called");
    const { handler } = setup({ agent });
    const response = await handler(caacRequest(healthBody));
    expect(response.status).toBe(200);
    expect(await read(response)).toEqual({ reply_text: "OK" });
    expect(agent).not.toHaveBeenCalled();
  });

  it("answers with the fallback at the deadline, not before, and aborts the agent's signal", async () => {
    vi.useFakeTimers();
    try {
      let signal: AbortSignal | undefined;
      const { handler, logs } = setup({
        deadlineMs: 200,
        agent: (_conversation, context) => {
          signal = context.signal;
          return new Promise<string>(() => {});
        },
      });
      let answered = false;
      const pending = handler(caacRequest()).then((response) => {
        answered = true;
        return response;
      });
      await vi.advanceTimersByTimeAsync(199);
      expect(answered).toBe(false);
      expect(signal?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const response = await pending;
      expect(await read(response)).toEqual({ reply_text: DEFAULT_FALLBACK });
      expect(DEFAULT_FALLBACK).toContain(HUMAN_HANDOVER);
      expect(signal?.aborted).toBe(true);
      expect(logs.join("\n")).toMatch(/missed the deadline/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives an agent that first looks at its signal after the deadline an aborted signal", async () => {
    vi.useFakeTimers();
    try {
      let late: boolean | undefined;
      const { handler } = setup({
        deadlineMs: 30,
        agent: async (_conversation, context) => {
          await new Promise((resolve) => setTimeout(resolve, 60));
          late = context.signal.aborted;
          return "too late";
        },
      });
      const pending = handler(caacRequest());
      await vi.advanceTimersByTimeAsync(30);
      expect(await read(await pending)).toEqual({ reply_text: DEFAULT_FALLBACK });
      await vi.advanceTimersByTimeAsync(30);
      expect(late).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves the signal of an agent that answered in time unaborted", async () => {
    let signal: AbortSignal | undefined;
    const { handler } = setup({
      agent: (_conversation, context) => {
        signal = context.signal;
        return "ok";
      },
    });
    expect((await handler(caacRequest())).status).toBe(200);
    expect(signal?.aborted).toBe(false);
  });

  it("defaults the deadline to CAAC's 45 s minus a 5 s margin", () => {
    expect(DEFAULT_DEADLINE_MS).toBe(40_000);
  });

  it("answers with the fallback, and logs the error, when the agent throws", async () => {
    const { handler, logs } = setup({
      agent: () => {
        throw new Error(`upstream said no to Bearer ${TOKEN}`);
      },
    });
    const response = await handler(caacRequest());
    expect(await read(response)).toEqual({ reply_text: DEFAULT_FALLBACK });
    expect(logs.join("\n")).toMatch(/agent threw.*upstream said no/);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("answers with the fallback when the agent's reply is unusable", async () => {
    for (const reply of ["", "   ", 42, null, undefined, { replyText: 7 }, { text: "x" }, ["x"]]) {
      const { handler, logs } = setup({ agent: () => reply as never });
      const response = await handler(caacRequest());
      expect(await read(response), JSON.stringify(reply)).toEqual({ reply_text: DEFAULT_FALLBACK });
      expect(logs.join("\n")).toMatch(/no usable reply/);
    }
  });

  it("answers with the fallback, logged as the agent's failure, when reading its reply throws", async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("proxy trap");
        },
      },
    );
    const replies: Record<string, () => unknown> = {
      "a replyText getter": () => ({
        get replyText() {
          throw new Error("getter");
        },
      }),
      "a then getter": () => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this case.
        get then() {
          throw new Error("then getter");
        },
      }),
      "a Proxy": () => hostile,
      "a promise of a replyText getter": () =>
        Promise.resolve({
          get replyText() {
            throw new Error("late getter");
          },
        }),
      "a then that throws": () => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this case.
        then() {
          throw new Error("then");
        },
      }),
      "a thrown Proxy": () => {
        throw hostile;
      },
      "a thrown object whose toString throws": () => {
        throw {
          toString() {
            throw new Error("toString");
          },
        };
      },
    };
    for (const [name, reply] of Object.entries(replies)) {
      const { handler, logs } = setup({ agent: reply as Agent });
      const response = await handler(caacRequest());
      expect(response.status, name).toBe(200);
      expect(await read(response), name).toEqual({ reply_text: DEFAULT_FALLBACK });
      expect(logs.join("\n"), name).toMatch(/caac-agent: the agent (threw|returned no usable reply)/);
      expect(logs.join("\n"), name).not.toMatch(/the handler failed/);
    }
  });

  it("uses a custom fallback, as text or per reason", async () => {
    const text = setup({ agent: () => Promise.reject(new Error("x")), fallback: "Busy. <HUMAN_HANDOVER>" });
    expect(await read(await text.handler(caacRequest()))).toEqual({ reply_text: "Busy. <HUMAN_HANDOVER>" });
    const perReason = setup({ agent: () => "", fallback: (reason) => `fallback: ${reason}` });
    expect(await read(await perReason.handler(caacRequest()))).toEqual({
      reply_text: "fallback: invalid_reply",
    });
  });

  describe("never echoes a configured token in a reply body", () => {
    // A rotation list; the third needs JSON escaping, so a quoted echo would carry it escaped.
    const tokens = [TOKEN, "rotated-token-0a1b2c3d", 'quote"and\\back-slash'];
    const echoes: [string, (token: string) => Request, readonly string[]][] = [
      ["version", (token) => caacRequest({ ...seedBody, version: token }), tokens],
      [
        "version after 300 characters",
        (token) => caacRequest({ ...seedBody, version: `${"v".repeat(300)}${token}` }),
        tokens,
      ],
      ["version as an object", (token) => caacRequest({ ...seedBody, version: { token } }), tokens],
      ["a body that is the bare token", (token) => caacRequest(undefined, { raw: token }), tokens],
      [
        "an unquoted token in the JSON",
        (token) => caacRequest(undefined, { raw: `{"a":"b","version": ${token}}` }),
        tokens,
      ],
      // Only the tokens an HTTP method can be.
      [
        "the method",
        (token) => caacRequest(undefined, { method: token }),
        tokens.filter((token) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(token)),
      ],
    ];
    for (const [field, request, echoed] of echoes) {
      it.each(echoed)(`in ${field}: %s`, async (token) => {
        const { handler, logs } = setup({ tokens });
        const response = await handler(request(token));
        expect([400, 405]).toContain(response.status);
        const text = await response.text();
        // The body as sent, and its strings decoded (a quoted value is JSON inside JSON).
        const decoded = JSON.stringify(Object.values(JSON.parse(text) as object).flat(2));
        const { detail } = JSON.parse(text) as { detail: string };
        for (const seen of [text, decoded, detail]) {
          expect(seen).not.toContain(token);
          expect(seen).not.toContain(JSON.stringify(token).slice(1, -1));
          // Nor a recognisable piece of it, as an engine's quoted excerpt of the body would give.
          expect(seen).not.toContain(token.slice(0, 8));
        }
        // A quoted value is capped: the reply stays small whatever was sent.
        expect(detail.length).toBeLessThan(200);
        expect(logs.join("\n")).not.toContain(token);
      });
    }
  });

  it("refuses tokens too short to redact safely, naming the minimum but not the token", () => {
    expect(() => createAgentHandler({ token: "short-tok", agent: echo })).toThrow(
      /at least 12 characters.*token 1 has 9/,
    );
    expect(() => createAgentHandler({ tokens: [TOKEN, "abc"], agent: echo })).toThrow(/token 2 has 3/);
    expect(() => createAgentHandler({ token: "has a space inside", agent: echo })).toThrow(/whitespace/);
    expect(() => createAgentHandler({ token: `${TOKEN}\n`, agent: echo })).toThrow(
      /`token`: token 1 contains whitespace at its start or end/,
    );
    expect(() => createAgentHandler({ tokens: [TOKEN, "abc"], agent: echo })).toThrow(/`tokens`/);
    try {
      createAgentHandler({ token: "short-tok", agent: echo });
    } catch (error) {
      expect(String(error)).not.toContain("short-tok");
    }
  });

  it("redacts a token before cutting a long log detail, so no part of it is printed", async () => {
    const { handler, logs } = setup({ agent: () => ({ text: `${"x".repeat(176)}${TOKEN}` }) as never });
    await handler(caacRequest());
    expect(logs.join("\n")).toMatch(/no usable reply/);
    expect(logs.join("\n")).not.toContain(TOKEN.slice(0, 6));
  });

  it("leaves text that merely shares characters with a token as it is", async () => {
    const { handler, logs } = setup({
      token: "4242-4242-4242",
      agent: () => {
        throw new Error("got 424 and 4242-4242 back");
      },
    });
    await handler(caacRequest(seedBody, { token: "4242-4242-4242" }));
    expect(logs.join("\n")).toContain("got 424 and 4242-4242 back");
  });

  it("logs one info line per rejected request: status, reason, conversation id when known, duration", async () => {
    const { handler, logs } = setup({ maxBodyBytes: 4096 });
    const requests: [Request, number, string, number | undefined][] = [
      [caacRequest(seedBody, { method: "PUT" }), 405, "method", undefined],
      [caacRequest(seedBody, { token: "wrong-token-0000" }), 401, "token", undefined],
      [caacRequest(seedBody, { headers: { "content-type": "text/plain" } }), 415, "media_type", undefined],
      [caacRequest({ ...seedBody, prompt: "p".repeat(5000) }), 413, "too_large", undefined],
      [caacRequest(undefined, { raw: "{" }), 400, "not_json", undefined],
      [caacRequest({ ...seedBody, version: "2.0" }), 400, "version", 98765],
      [caacRequest({ ...seedBody, messages: "nope" }), 400, "schema", 98765],
    ];
    for (const [request, status, reason, conversationId] of requests) {
      logs.length = 0;
      expect((await handler(request)).status).toBe(status);
      expect(logs, reason).toHaveLength(1);
      const line = logs[0] ?? "";
      expect(line.startsWith("caac-agent: rejected the request ")).toBe(true);
      const details = JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>;
      expect(details).toMatchObject({ status, reason });
      expect(details.conversationId).toBe(conversationId);
      expect(typeof details.durationMs).toBe("number");
      expect(typeof details.detail).toBe("string");
    }
    logs.length = 0;
    await handler(caacRequest());
    expect(logs).toEqual([]);
  });

  it("logs errors and warnings to console by default, but no access log", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const handler = createAgentHandler({ token: TOKEN, agent: () => Promise.reject(new Error("x")) });
      expect((await handler(caacRequest(seedBody, { token: "wrong-token-0000" }))).status).toBe(401);
      expect((await handler(caacRequest())).status).toBe(200);
      expect(info).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      expect(error).toHaveBeenCalledWith(
        "caac-agent: the agent threw; sent the fallback",
        expect.objectContaining({ error: "Error: x" }),
      );
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("logs an agent's failure with its stack and cause, redacted", async () => {
    const { handler, logs } = setup({
      agent: () => {
        throw new Error("upstream failed", { cause: new Error(`401 for Bearer ${TOKEN}`) });
      },
    });
    await handler(caacRequest());
    const line = logs.find((entry) => entry.includes("the agent threw")) ?? "";
    const details = JSON.parse(line.slice(line.indexOf("{"))) as Record<string, string>;
    expect(details.error).toBe("Error: upstream failed");
    expect(details.stack).toMatch(/^Error: upstream failed\n\s+at /);
    expect(details.cause).toBe("Error: 401 for Bearer [redacted]");
    expect(line).not.toContain(TOKEN);
  });

  it("never logs the token, whatever fails", async () => {
    const { handler, logs } = setup({ agent: () => Promise.reject(new Error(TOKEN)), deadlineMs: 50 });
    await handler(caacRequest());
    await handler(caacRequest(seedBody, { token: `${TOKEN}-wrong` }));
    await handler(caacRequest(undefined, { raw: TOKEN }));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("aborts the agent when the caller goes away", async () => {
    let signal: AbortSignal | undefined;
    const { handler } = setup({
      agent: (_conversation, context) => {
        signal = context.signal;
        return new Promise<string>((resolve) =>
          context.signal.addEventListener("abort", () => resolve("late")),
        );
      },
    });
    const caller = new AbortController();
    const request = new Request(caacRequest(), { signal: caller.signal });
    const pending = handler(request);
    await new Promise((resolve) => setTimeout(resolve, 10));
    caller.abort();
    await pending;
    expect(signal?.aborted).toBe(true);
  });
});
