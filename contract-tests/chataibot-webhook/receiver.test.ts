// The package's receiver against its spec: the handshake and the spec's deliveries sent through
// `prism proxy` to createChatAIBotWebhookHandler (served on loopback) show no violation, and its
// answers to wrong requests are documented statuses with documented bodies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveAgent } from "../../src/caac-agent/index.js";
import { type ChatAIBotEvent, createChatAIBotWebhookHandler } from "../../src/chataibot/index.js";
import { unwrap } from "../../src/core/index.js";
import type { Call } from "../support/contract.js";
import { checkDrift, type DriftProxies, startDriftProxies } from "../support/drift.js";
import { contract, type WebhookClient } from "./cases.js";

// The spec's examples carry this token, so the receiver is configured with it.
const TOKEN = "whk_3f9a1c7e5b2d4a60";

const sendExample =
  (name: string): Call<WebhookClient> =>
  async (client, context) => {
    const body = context.op.raw.requestBody?.content["application/json"]?.examples?.[name]?.value;
    if (!body) throw new Error(`no request example "${name}"`);
    return unwrap(await client.POST("/chataibot/events", { body: body as never }));
  };

describe("chataibot-webhook receiver runtime", () => {
  const events: ChatAIBotEvent[] = [];
  let server: Awaited<ReturnType<typeof serveAgent>> | undefined;
  let proxies: DriftProxies | undefined;
  beforeAll(async () => {
    const handler = createChatAIBotWebhookHandler({
      token: TOKEN,
      onEvent: (event) => {
        events.push(event);
      },
      logger: { warn: () => {}, error: () => {} },
    });
    server = await serveAgent(handler, { port: 0 });
    proxies = await startDriftProxies("chataibot-webhook", server.url.replace(/\/$/, ""), [
      { negative: false },
      { negative: true },
    ]);
  });
  afterAll(async () => {
    await proxies?.stop();
    await server?.close();
  });

  it.each(["handshake", "conversation_create", "message_exchange"])(
    "answers the spec's %s example as documented, through the validating proxy",
    async (name) => {
      const before = events.length;
      const { findings, statuses } = await checkDrift(
        contract,
        { name, operationId: "events_receive", call: sendExample(name), negative: false },
        proxies as DriftProxies,
        TOKEN,
      );
      expect(findings).toEqual([]);
      expect(statuses).toEqual([200]);
      const delivered = events.slice(before).map((e) => [e.typed, e.type]);
      expect(delivered).toEqual(name === "handshake" ? [] : [[true, name]]);
    },
  );

  it.each([
    ["no token", 401, { events: [] }],
    ["a wrong token", 401, { token: "whk_wrong", events: [] }],
    ["events that are not an array", 400, { token: TOKEN, events: { event: {} } }],
  ] as const)("answers %s with a documented %i, through the validating proxy", async (name, status, body) => {
    const call: Call<WebhookClient> = async (client) =>
      unwrap(await client.POST("/chataibot/events", { body: body as never }));
    const { findings, statuses } = await checkDrift(
      contract,
      { name, operationId: "events_receive", call, negative: true },
      proxies as DriftProxies,
      TOKEN,
    );
    expect(findings).toEqual([]);
    expect(statuses).toEqual([status]);
  });
});
