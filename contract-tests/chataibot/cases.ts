// How each ChatAIBot operation is called through the client, for the contract suite and its gate.
import { expect } from "vitest";
import {
  type ChatAIBotClient,
  createChatAIBotClient,
  type SendVisitorMessageBody,
  type StartConversationBody,
} from "../../src/chataibot/index.js";
import { unwrap } from "../../src/core/index.js";
import { defineContract, exampleInit, pathParam } from "../support/contract.js";

const sameAsBody = (result: unknown, body: unknown) => expect(result).toEqual(body);

export const contract = defineContract<ChatAIBotClient>({
  api: "chataibot",
  client: (setup) => createChatAIBotClient(setup),
  operations: {
    conversations_create: {
      via: "startConversation()",
      call: (client, context) =>
        client.startConversation(context.example.body as StartConversationBody, context.options),
      check: sameAsBody,
      variants: [
        {
          via: "POST /conversations",
          call: async (client, context) => unwrap(await client.POST("/conversations", exampleInit(context))),
        },
      ],
    },
    conversation_messages_create: {
      via: "sendVisitorMessage(text)",
      call: (client, context) =>
        client.sendVisitorMessage(pathParam(context, "conversation_id"), "Hello", context.options),
      check: sameAsBody,
      variants: [
        {
          via: "sendVisitorMessage(body)",
          call: (client, context) =>
            client.sendVisitorMessage(
              pathParam(context, "conversation_id"),
              context.example.body as SendVisitorMessageBody,
              context.options,
            ),
        },
        {
          via: "POST /conversation/{conversation_id}/messages",
          call: async (client, context) =>
            unwrap(await client.POST("/conversation/{conversation_id}/messages", exampleInit(context))),
        },
      ],
    },
  },
  negatives: [
    {
      name: "no bot_key",
      operationId: "conversations_create",
      status: 400,
      violation: /bot_key/,
      live: true,
      call: async (client, context) => {
        const { bot_key: _, ...body } = context.example.body as StartConversationBody;
        return unwrap(await client.POST("/conversations", { body: body as StartConversationBody }));
      },
    },
    {
      name: "message type is not text",
      operationId: "conversation_messages_create",
      status: 400,
      violation: /type|enum|allowed values/i,
      live: true,
      call: (client, context) =>
        client.sendVisitorMessage(pathParam(context, "conversation_id"), {
          message: { data: { body: "Hello" }, type: "image" },
          user: { type: "VISITOR" },
        } as unknown as SendVisitorMessageBody),
    },
    {
      name: "no bearer token",
      operationId: "conversations_create",
      status: 401,
      violation: /security/i,
      live: true,
      drop: ["authorization"],
      call: (client, context) =>
        client.startConversation(context.example.body as StartConversationBody, context.options),
    },
  ],
});
