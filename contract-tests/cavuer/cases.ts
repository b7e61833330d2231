// How each Cavuer operation is called through the client, for the contract suite and its gate.
import { type CavuerClient, createCavuerClient, type SendMessageBody } from "../../src/cavuer/index.js";
import { unwrap } from "../../src/core/index.js";
import { defineContract, exampleInit, pathParam } from "../support/contract.js";

export const contract = defineContract<CavuerClient>({
  api: "cavuer",
  client: (setup) => createCavuerClient(setup),
  operations: {
    custom_messages_send: {
      via: "sendMessage()",
      call: (client, context) =>
        client.sendMessage(
          pathParam(context, "uniqueIdentifier"),
          context.example.body as SendMessageBody,
          context.options,
        ),
      variants: [
        {
          via: "POST /custom/{uniqueIdentifier}/send",
          call: async (client, context) =>
            unwrap(
              await client.POST("/custom/{uniqueIdentifier}/send", exampleInit(context, { parseAs: "text" })),
            ),
        },
      ],
    },
  },
  negatives: [
    {
      name: "group chat without participantId",
      operationId: "custom_messages_send",
      status: 400,
      violation: /participantId|anyOf|must match/i,
      live: true,
      call: async (client, context) =>
        unwrap(
          await client.POST("/custom/{uniqueIdentifier}/send", {
            params: { path: { uniqueIdentifier: pathParam(context, "uniqueIdentifier") } },
            body: {
              chatId: "group-789",
              content: { text: "hi" },
              chatType: "group",
            } as unknown as SendMessageBody,
            parseAs: "text",
          }),
        ),
    },
    {
      name: "no x-cavuer-api-key",
      operationId: "custom_messages_send",
      status: 401,
      violation: /security/i,
      live: true,
      drop: ["x-cavuer-api-key"],
      call: (client, context) =>
        client.sendMessage(pathParam(context, "uniqueIdentifier"), context.example.body as SendMessageBody),
    },
  ],
});
