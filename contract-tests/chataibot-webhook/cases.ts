// How the ChatAIBot Events webhook receiver is called. The platform is its client and we ship no
// client for it, so the calls go through a typed openapi-fetch client on the same runtime as the
// vendors'; the token travels in the body (the inferred carrier), as the examples carry it.
import type { paths } from "../../generated/chataibot-webhook.js";
import { createTypedClient, type TypedClient, unwrap } from "../../src/core/index.js";
import { defineContract, exampleInit } from "../support/contract.js";

type WebhookRequest = paths["/chataibot/events"]["post"]["requestBody"]["content"]["application/json"];
export type WebhookClient = TypedClient<paths>;

export const contract = defineContract<WebhookClient>({
  api: "chataibot-webhook",
  client: ({ apiKey: _, ...setup }) => createTypedClient<paths>(setup),
  operations: {
    events_receive: {
      via: "POST /chataibot/events",
      call: async (client, context) => unwrap(await client.POST("/chataibot/events", exampleInit(context))),
    },
  },
  negatives: [
    {
      name: "no token",
      operationId: "events_receive",
      status: 400,
      violation: /required property 'token'/,
      call: async (client) =>
        unwrap(
          await client.POST("/chataibot/events", {
            body: { events: [] } as unknown as WebhookRequest,
          }),
        ),
    },
    {
      name: "events is not an array",
      operationId: "events_receive",
      status: 400,
      violation: /events/,
      call: async (client) =>
        unwrap(
          await client.POST("/chataibot/events", {
            body: { token: "whk_3f9a1c7e5b2d4a60", events: { event: {} } } as unknown as WebhookRequest,
          }),
        ),
    },
    {
      name: "an event without a type",
      operationId: "events_receive",
      status: 400,
      violation: /type/,
      call: async (client) =>
        unwrap(
          await client.POST("/chataibot/events", {
            body: { token: "whk_3f9a1c7e5b2d4a60", events: [{ event: { payload: {} } }] } as WebhookRequest,
          }),
        ),
    },
  ],
});
