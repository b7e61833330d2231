// The ChatAIBot mock calls a small local receiver back: the handshake first, then the events that
// each started conversation and visitor message cause.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ChatAIBotEvent,
  createChatAIBotClient,
  createChatAIBotWebhookHandler,
} from "../chataibot/index.js";
import { type Mocks, startMocks } from "./index.js";

const TOKEN = "whk_test_4f1b2c";

type Received = { headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> };

/** A receiver that echoes the handshake token (unless told to answer `status` or a wrong token). */
async function startReceiver(options: { status?: number; echo?: string } = {}) {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as Record<string, unknown>;
    received.push({ headers: req.headers, body });
    res.writeHead(options.status ?? 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body.events ? { ok: true } : { token: options.echo ?? body.token }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chataibot/events`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const start = {
  channel: "API" as const,
  bot_key: "bot_live_123",
  message: { data: { body: "Do you ship to Tainan?" }, type: "text" as const },
  from: { user_external_id: "visitor-42", type: "VISITOR" as const },
};

// Each test starts a Prism process, which takes seconds on a busy machine: a generous bound.
describe("ChatAIBot mock callbacks", { timeout: 60_000 }, () => {
  let mocks: Mocks | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await mocks?.stop();
    await receiver?.close();
    mocks = undefined;
  });

  it("handshakes, then follows a start and each visitor message with a bot reply event", async () => {
    receiver = await startReceiver();
    mocks = await startMocks({
      apis: ["chataibot"],
      ports: { chataibot: 0 },
      webhooks: { chataibot: { url: receiver.url, token: TOKEN } },
    });
    expect(receiver.received).toEqual([{ headers: expect.any(Object), body: { token: TOKEN } }]);

    const client = createChatAIBotClient({ apiKey: "test", baseUrl: mocks.urls.chataibot ?? "" });
    const started = await client.startConversation(start);
    await client.sendVisitorMessage(started.conversation.id, "And to Kaohsiung?");
    await mocks.settled();

    const deliveries = receiver.received.slice(1);
    expect(deliveries).toHaveLength(2);
    for (const delivery of deliveries) {
      expect(delivery.body.token).toBe(TOKEN);
      expect(delivery.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    const events = deliveries.flatMap(
      (d) => d.body.events as Array<{ event: { type: string; payload: Record<string, unknown> } }>,
    );
    expect(events.map((e) => e.event.type)).toEqual([
      "conversation_create",
      "message_exchange",
      "message_exchange",
    ]);
    expect(events[0]?.event.payload).toMatchObject({
      external_key: started.conversation.id,
      title: "Visitor - visitor-42",
      assigned_to_user: { type: "bot" },
    });
    expect(events[1]?.event.payload).toMatchObject({
      conversation_id: started.conversation.id,
      sender: { type: "bot" },
      message: { type: "text", data: { body: expect.stringContaining("Tainan") } },
    });
    expect(events[2]?.event.payload).toMatchObject({
      conversation_id: started.conversation.id,
      message: { data: { body: expect.stringContaining("Kaohsiung") } },
    });
  });

  it("reaches the package's own receiver: the handshake passes, every event is typed, no drift warned", async () => {
    const events: ChatAIBotEvent[] = [];
    const warnings: string[] = [];
    const handler = createChatAIBotWebhookHandler({
      token: TOKEN,
      onEvent: (event) => {
        events.push(event);
      },
      logger: { warn: (message) => warnings.push(message), error: (message) => warnings.push(message) },
    });
    // A Node server in front of the Web-standard handler, as a user would mount it.
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method ?? "POST",
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks),
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chataibot/events`;
      mocks = await startMocks({
        apis: ["chataibot"],
        ports: { chataibot: 0 },
        webhooks: { chataibot: { url, token: TOKEN } },
      });
      const client = createChatAIBotClient({ apiKey: "test", baseUrl: mocks.urls.chataibot ?? "" });
      const started = await client.startConversation(start);
      await client.sendVisitorMessage(started.conversation.id, "And to Kaohsiung?");
      await mocks.settled();
      expect(warnings).toEqual([]);
      expect(events.map((e) => [e.typed, e.type])).toEqual([
        [true, "conversation_create"],
        [true, "message_exchange"],
        [true, "message_exchange"],
      ]);
      const reply = events[2];
      if (reply?.typed && reply.type === "message_exchange") {
        expect(reply.payload.conversation_id).toBe(started.conversation.id);
        expect(JSON.stringify(reply.payload.message)).toContain("Kaohsiung");
      } else expect.fail("the last event is not a typed message_exchange");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("uses the reply option for the bot's answer, and sends nothing for a rejected request", async () => {
    receiver = await startReceiver();
    mocks = await startMocks({
      apis: ["chataibot"],
      ports: { chataibot: 0 },
      webhooks: { chataibot: { url: receiver.url, token: TOKEN, reply: (text) => `echo: ${text}` } },
    });
    const client = createChatAIBotClient({
      apiKey: "test",
      baseUrl: mocks.urls.chataibot ?? "",
      maxRetries: 0,
    });
    await client.sendVisitorMessage("65f2a9c1e4b0d7a3c8e1f042", "ping");
    await expect(
      client.sendVisitorMessage("65f2a9c1e4b0d7a3c8e1f042", "pong", { headers: { Prefer: "code=400" } }),
    ).rejects.toThrow();
    await mocks.settled();
    const events = receiver.received
      .slice(1)
      .flatMap(
        (d) => d.body.events as Array<{ event: { payload: { message: { data: { body: string } } } } }>,
      );
    expect(events.map((e) => e.event.payload.message.data.body)).toEqual(["echo: ping"]);
  });

  it.each([
    ["a non-200 answer", { status: 401 }, /expected status 200, got 401/],
    ["a wrong echo", { echo: "something-else" }, /did not echo the token/],
  ])("fails startMocks on %s to the handshake, never quoting the token", async (_name, options, message) => {
    receiver = await startReceiver(options);
    const error = await startMocks({
      apis: ["chataibot"],
      ports: { chataibot: 0 },
      webhooks: { chataibot: { url: receiver.url, token: TOKEN } },
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(
      /^chataibot webhook handshake with http:\/\/127\.0\.0\.1:\d+\/chataibot\/events/,
    );
    expect(error?.message).not.toContain(TOKEN);
  });

  it("reports a failed delivery to onDeliveryError without the token", async () => {
    receiver = await startReceiver();
    const failures: Error[] = [];
    mocks = await startMocks({
      apis: ["chataibot"],
      ports: { chataibot: 0 },
      webhooks: { chataibot: { url: receiver.url, token: TOKEN, onDeliveryError: (e) => failures.push(e) } },
    });
    await receiver.close();
    receiver = undefined;
    const client = createChatAIBotClient({ apiKey: "test", baseUrl: mocks.urls.chataibot ?? "" });
    await client.sendVisitorMessage("65f2a9c1e4b0d7a3c8e1f042", "hello?");
    await mocks.settled();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(
      /^chataibot webhook delivery of message_exchange to http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(failures[0]?.message).not.toContain(TOKEN);
  });

  it.each([
    [{ url: "ftp://example.com/hook", token: TOKEN }, /webhooks\.chataibot\.url must be an http\(s\) URL/],
    [{ url: "http://127.0.0.1:1/hook", token: "" }, /webhooks\.chataibot\.token must be a non-empty string/],
  ])("rejects bad webhook options before starting anything: %o", async (webhook, message) => {
    await expect(
      startMocks({ apis: ["chataibot"], ports: { chataibot: 0 }, webhooks: { chataibot: webhook } }),
    ).rejects.toThrow(message);
  });

  it("needs the chataibot mock to call back", async () => {
    await expect(
      startMocks({ apis: ["cavuer"], webhooks: { chataibot: { url: "http://127.0.0.1:1/", token: TOKEN } } }),
    ).rejects.toThrow(/webhooks\.chataibot needs the chataibot mock/);
  });
});
