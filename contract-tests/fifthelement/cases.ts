// How each Fifth Element operation is called through the client, for the contract suite and its gate.
import { expect } from "vitest";
import { unwrap } from "../../src/core/index.js";
import {
  type ChatInput,
  createFifthElementClient,
  type FifthElementClient,
} from "../../src/fifthelement/index.js";
import {
  type CallContext,
  defineContract,
  exampleInit,
  first,
  pathParam,
  upTo,
} from "../support/contract.js";
import { eventData, eventValue } from "../support/events.js";
import { eventStreamExample } from "../support/openapi.js";

const slug = (context: CallContext) => pathParam(context, "slug");
// The spec's first request example, as the helpers' input (helpers set `stream`/`async` themselves).
const input = (context: CallContext): ChatInput => {
  const { message, conversationId } = context.example.body as { message: string; conversationId?: string };
  return conversationId === undefined ? { message } : { message, conversationId };
};

const repositoryId = (context: CallContext) => pathParam(context, "repositoryId");
const jobId = (context: CallContext) => pathParam(context, "id");
/** `data` of a success envelope, the part the helpers return. */
const sameAsData = (result: unknown, body: unknown) =>
  expect(result).toEqual((body as { data: unknown }).data);

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
      call: (client, context) => client.chat(slug(context), input(context), context.options),
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
          via: "chatStream() (the mock streams the SSE example event by event)",
          call: async (client, context) => {
            // The spec's example ends with an extra blank line because Prism drops one trailing
            // newline of a string example; without it the [DONE] event would never be terminated.
            const chunks: string[] = [];
            for await (const chunk of client.chatStream(slug(context), input(context), context.options)) {
              chunks.push(chunk);
            }
            expect(chunks.length).toBe(eventData(eventStreamExample(context.op)).length - 1);
            expect(chunks.join("")).toBe(streamText(context));
          },
        },
        {
          via: "chatAsync()",
          call: async (client, context) => {
            const { requestId } = await client.chatAsync(slug(context), input(context), context.options);
            expect(requestId).toMatch(/^req_/);
          },
        },
        {
          via: "POST /chat/{slug}",
          call: async (client, context) => unwrap(await client.POST("/chat/{slug}", exampleInit(context))),
        },
      ],
    },
    repositories_list: {
      via: "listRepositories()",
      readOnly: true,
      call: (client, context) => client.listRepositories(context.options),
      check: (result, body) =>
        expect(result).toEqual((body as { data: { repositories: unknown } }).data.repositories),
      variants: [
        {
          via: "GET /repositories",
          call: async (client, context) => unwrap(await client.GET("/repositories", exampleInit(context))),
        },
      ],
    },
    documents_list: {
      via: "iterateDocuments() (the mock pages by start and ends at total)",
      readOnly: true,
      call: (client, context) =>
        upTo(client.iterateDocuments(repositoryId(context), { limit: 50, ...context.options }), 6),
      // The last page fetched: the walk reached `total`, over more than one page, no item twice.
      check: (result, body) => {
        const items = result as Array<{ id: string }>;
        const page = (body as { data: { documents: unknown[]; pagination: { total: number } } }).data;
        expect(items).toHaveLength(page.pagination.total);
        expect(items.length).toBeGreaterThan(page.documents.length);
        expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
      },
      variants: [
        {
          via: "iterateDocuments() first document",
          call: (client, context) => first(client.iterateDocuments(repositoryId(context), context.options)),
        },
        {
          via: "GET /repositories/{repositoryId}/documents",
          call: async (client, context) =>
            unwrap(await client.GET("/repositories/{repositoryId}/documents", exampleInit(context))),
        },
      ],
    },
    documents_create: {
      via: "createDocument()",
      call: (client, context) =>
        client.createDocument(
          repositoryId(context),
          context.example.body as { title: string; content: string; metadata?: Record<string, unknown> },
          context.options,
        ),
      check: sameAsData,
      variants: [
        {
          via: "POST /repositories/{repositoryId}/documents",
          call: async (client, context) =>
            unwrap(await client.POST("/repositories/{repositoryId}/documents", exampleInit(context))),
        },
      ],
    },
    jobs_get: {
      via: "getJob()",
      readOnly: true,
      call: (client, context) => client.getJob(jobId(context), context.options),
      check: sameAsData,
      variants: [
        {
          via: "GET /jobs/{id}",
          call: async (client, context) => unwrap(await client.GET("/jobs/{id}", exampleInit(context))),
        },
      ],
    },
    jobs_rerun: {
      via: "rerunJob()",
      call: (client, context) => client.rerunJob(jobId(context), context.options),
      check: sameAsData,
      variants: [
        {
          via: "POST /jobs/{id}/rerun",
          call: async (client, context) =>
            unwrap(await client.POST("/jobs/{id}/rerun", exampleInit(context))),
        },
      ],
    },
    tokens_create: {
      via: "createApiToken()",
      call: (client, context) =>
        client.createApiToken(context.example.body as { name: string }, context.options),
      check: sameAsData,
      variants: [
        {
          via: "POST /user-api-tokens",
          call: async (client, context) =>
            unwrap(await client.POST("/user-api-tokens", exampleInit(context))),
        },
      ],
    },
  },
  negatives: [
    // Not `live`: the vendor pages do not say how it answers these, nor that it rejects them
    // before creating anything, so they run against the mock only.
    {
      name: "document without a title",
      operationId: "documents_create",
      status: 400,
      violation: /required property 'title'/,
      call: async (client, context) =>
        unwrap(
          await client.POST("/repositories/{repositoryId}/documents", {
            params: { path: { repositoryId: repositoryId(context) } },
            body: { content: "no title" } as unknown as { title: string; content: string },
          }),
        ),
    },
    {
      name: "job id that is not a UUID",
      operationId: "jobs_get",
      status: 400,
      violation: /uuid/i,
      call: async (client) => unwrap(await client.GET("/jobs/{id}", { params: { path: { id: "job-1" } } })),
    },
    {
      name: "page size 0",
      operationId: "documents_list",
      status: 400,
      violation: /limit/,
      call: async (client, context) =>
        unwrap(
          await client.GET("/repositories/{repositoryId}/documents", {
            params: { path: { repositoryId: repositoryId(context) }, query: { limit: 0 } },
          }),
        ),
    },
    {
      name: "token without a name",
      operationId: "tokens_create",
      status: 400,
      violation: /required property 'name'/,
      call: async (client) =>
        unwrap(await client.POST("/user-api-tokens", { body: {} as unknown as { name: string } })),
    },
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
      call: (client, context) => client.chat(slug(context), input(context), context.options),
    },
  ],
});
