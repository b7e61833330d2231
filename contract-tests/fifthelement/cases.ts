// How each Fifth Element operation is called through the client, for the contract suite and its gate.
import { expect } from "vitest";
import { unwrap } from "../../src/core/index.js";
import {
  type ChatInput,
  createFifthElementClient,
  type FifthElementClient,
} from "../../src/fifthelement/index.js";
import { type CallContext, defineContract, exampleInit, pathParam } from "../support/contract.js";
import { eventData, eventValue } from "../support/events.js";
import { eventStreamExample } from "../support/openapi.js";

const slug = (context: CallContext) => pathParam(context, "slug");
// The spec's first request example, as the helpers' input (helpers set `stream`/`async` themselves).
const input = (context: CallContext): ChatInput => {
  const { message, conversationId } = context.example.body as { message: string; conversationId?: string };
  return conversationId === undefined ? { message } : { message, conversationId };
};

/** The reply text of the spec's SSE example: the concatenated `chunk` of its events. */
function streamText(context: CallContext): string {
  return eventData(eventStreamExample(context.op))
    .map(eventValue)
    .map((value) => (typeof value === "object" && value && "chunk" in value ? String(value.chunk) : ""))
    .join("");
}

export const contract = defineContract<FifthElementClient>({
  api: "fifthelement",
  client: (setup) => createFifthElementClient(setup),
  operations: {
    chat_send: {
      via: "chat()",
      call: (client, context) => client.chat(slug(context), input(context)),
      check: (result, body) => {
        const data = (body as { data: Record<string, unknown> }).data;
        expect(result).toEqual({
          response: data.response,
          conversationId: data.conversationId,
          metadata: data.metadata,
        });
      },
      variants: [
        {
          via: "chatStream() (Prism sends the SSE example at once)",
          call: async (client, context) => {
            // The spec's example ends with an extra blank line because Prism drops one trailing
            // newline of a string example; without it the [DONE] event would never be terminated.
            const chunks: string[] = [];
            for await (const chunk of client.chatStream(slug(context), input(context))) chunks.push(chunk);
            expect(chunks.join("")).toBe(streamText(context));
          },
        },
        {
          via: "chatAsync()",
          call: async (client, context) => {
            const { requestId } = await client.chatAsync(slug(context), input(context));
            expect(requestId).toMatch(/^req_/);
          },
        },
        {
          via: "POST /chat/{slug}",
          call: async (client, context) => unwrap(await client.POST("/chat/{slug}", exampleInit(context))),
        },
      ],
    },
  },
  negatives: [
    {
      name: "empty message",
      operationId: "chat_send",
      status: 400,
      violation: /message.*(fewer than 1|minLength)/i,
      live: true,
      call: async (client, context) =>
        unwrap(
          await client.POST("/chat/{slug}", {
            params: { path: { slug: slug(context) } },
            body: { message: "" },
          }),
        ),
    },
    {
      name: "misspelt field (mesage)",
      operationId: "chat_send",
      status: 400,
      violation: /additional properties|required property 'message'/i,
      live: true,
      call: async (client, context) =>
        unwrap(
          await client.POST("/chat/{slug}", {
            params: { path: { slug: slug(context) } },
            body: { mesage: "hi" } as unknown as { message: string },
          }),
        ),
    },
    {
      name: "no bearer token",
      operationId: "chat_send",
      status: 401,
      violation: /security/i,
      live: true,
      drop: ["authorization"],
      call: (client, context) => client.chat(slug(context), input(context)),
    },
  ],
});
