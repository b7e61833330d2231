// How the CAAC Self Hosted AI Agent operation is called. CAAC is its client and we ship no client
// for it, so the calls go through a typed openapi-fetch client on the same runtime as the vendors'.
import type { paths } from "../../generated/caac-agent.js";
import { createTypedClient, type TypedClient, unwrap } from "../../src/core/index.js";
import { defineContract, exampleInit } from "../support/contract.js";

type AgentRequest = paths["/caac/ai-agent"]["post"]["requestBody"]["content"]["application/json"];
export type AgentClient = TypedClient<paths>;

export const contract = defineContract<AgentClient>({
  api: "caac-agent",
  client: ({ apiKey, ...setup }) =>
    createTypedClient<paths>({ ...setup, authHeaders: { authorization: `Bearer ${apiKey}` } }),
  operations: {
    ai_agent_reply: {
      via: "POST /caac/ai-agent",
      call: async (client, context) => unwrap(await client.POST("/caac/ai-agent", exampleInit(context))),
    },
  },
  negatives: [
    {
      name: 'version "2.0"',
      operationId: "ai_agent_reply",
      status: 400,
      violation: /version/,
      call: async (client, context) =>
        unwrap(
          await client.POST("/caac/ai-agent", {
            body: { ...(context.example.body as AgentRequest), version: "2.0" } as unknown as AgentRequest,
          }),
        ),
    },
    {
      name: "no messages",
      operationId: "ai_agent_reply",
      status: 400,
      violation: /required property 'messages'/,
      call: async (client, context) => {
        const { messages: _, ...body } = context.example.body as AgentRequest;
        return unwrap(await client.POST("/caac/ai-agent", { body: body as AgentRequest }));
      },
    },
    {
      name: "no bearer token",
      operationId: "ai_agent_reply",
      status: 401,
      violation: /security/i,
      drop: ["authorization"],
      call: async (client, context) => unwrap(await client.POST("/caac/ai-agent", exampleInit(context))),
    },
  ],
});
