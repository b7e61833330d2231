/**
 * The Fifth Element AI client: `chat`, `chatStream`, `chatAsync`, the knowledge-base, jobs and
 * tokens helpers (knowledge.ts) plus the typed surface.
 */

import type { components, paths } from "../../generated/fifthelement.js";
import {
  type ClientOptions,
  callSecretsOf,
  createTypedClient,
  describeTarget,
  type RequestOptions,
  requireSecret,
  requireString,
  type TypedClient,
  ValidationError,
} from "../core/index.js";
import { createKnowledgeHelpers, type KnowledgeHelpers } from "./knowledge.js";
import { chatChunks, requireEventStream } from "./stream.js";

export type ChatMetadata = components["schemas"]["ChatMetadata"];

/** What `chat` resolves to: the reply, its conversation, and how it was produced. */
export interface ChatReply {
  /** The agent's reply text. */
  response: string;
  /** Send it as `conversationId` to continue this conversation. */
  conversationId: string;
  /** The model and tokens used, when the platform reports them. */
  metadata: ChatMetadata | undefined;
}

/** Input of `chat`, `chatStream` and `chatAsync`. */
export interface ChatInput {
  /** The message to the agent (not empty). */
  message: string;
  /** Continues this conversation; omit or `null` to start a new one. */
  conversationId?: string | null | undefined;
}

/** Options of {@link createFifthElementClient}. */
export interface FifthElementClientOptions extends ClientOptions {
  /** API key of the workspace or agent, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Your platform's API root, e.g. `https://acme.fifthelement.ai/v1/api` (the host is per customer). */
  baseUrl: string;
  /** Sent as `x-user-identifier` on every request (workspace keys only). */
  userIdentifier?: string | undefined;
}

export type FifthElementClient = TypedClient<paths> & {
  /** Sends a message and resolves with the whole reply. */
  chat(slug: string, input: ChatInput, options?: RequestOptions): Promise<ChatReply>;
  /**
   * Sends a message and yields the reply's text chunks as their events arrive; ends at `[DONE]`.
   * `break` or `options.signal` stops the HTTP request. The request is sent on the first `next()`.
   */
  chatStream(
    slug: string,
    input: ChatInput,
    options?: RequestOptions,
  ): AsyncGenerator<string, void, undefined>;
  /** Queues a message (`async: true`) and resolves with the platform's `X-Request-Id`. */
  chatAsync(
    slug: string,
    input: ChatInput,
    options?: RequestOptions,
  ): Promise<{ requestId: string | undefined }>;
} & KnowledgeHelpers;

/** Creates a Fifth Element AI client. */
export function createFifthElementClient(options: FifthElementClientOptions): FifthElementClient {
  const { apiKey, baseUrl, userIdentifier, headers, ...common } = options;
  requireString("baseUrl", baseUrl);
  const api = createTypedClient<paths>({
    ...common,
    vendor: "Fifth Element AI",
    baseUrl,
    headers: userIdentifier === undefined ? headers : { ...headers, "x-user-identifier": userIdentifier },
    authHeaders: { authorization: `Bearer ${requireSecret("apiKey", apiKey)}` },
  });

  const send = (slug: string, input: ChatInput, extra: { stream?: boolean; async?: boolean }) => ({
    params: { path: { slug: requireString("slug", slug) } },
    body: { ...chatBody(input), ...extra },
  });

  async function chat(slug: string, input: ChatInput, call?: RequestOptions): Promise<ChatReply> {
    const result = await api.POST("/chat/{slug}", { ...send(slug, input, {}), ...api.requestInit(call) });
    // Without `stream: true` the 200 is the JSON envelope, not the event-stream string.
    const { data } = api.unwrap(result) as components["schemas"]["ChatResponse"];
    return { response: data.response, conversationId: data.conversationId, metadata: data.metadata };
  }

  // One generator from request to chunks (see `chatChunks`): the request is sent on the first `next()`.
  function chatStream(slug: string, input: ChatInput, call: RequestOptions = {}) {
    return chatChunks(async () => {
      const request = send(slug, input, { stream: true });
      const result = await api.POST("/chat/{slug}", {
        ...request,
        headers: { accept: "text/event-stream" },
        parseAs: "stream",
        ...api.requestInit(call),
      });
      const body = api.unwrap(result) as unknown as ReadableStream<Uint8Array> | null;
      if (!body) throw new ValidationError("response", "the 200 stream response had no body");
      const secrets = [...api.runtime.secrets, ...callSecretsOf(result.response)];
      requireEventStream(result.response, secrets);
      const idleTimeoutMs = api.runtime.resolve(call).timeout;
      const source = describeTarget({ vendor: "Fifth Element AI", url: result.response.url || baseUrl });
      return { body, options: { signal: call.signal, idleTimeoutMs, source, secrets } };
    });
  }

  async function chatAsync(slug: string, input: ChatInput, call?: RequestOptions) {
    const result = await api.POST("/chat/{slug}", {
      ...send(slug, input, { async: true }),
      ...api.requestInit(call),
    });
    api.unwrap(result);
    return { requestId: result.response.headers.get("x-request-id") ?? undefined };
  }

  return { ...api, chat, chatStream, chatAsync, ...createKnowledgeHelpers(api) };
}

function chatBody(input: ChatInput): { message: string; conversationId?: string | null } {
  if (input === null || typeof input !== "object") throw new ValidationError("input", "must be an object");
  const body: { message: string; conversationId?: string | null } = {
    message: requireString("message", input.message),
  };
  const { conversationId } = input;
  if (conversationId !== undefined) {
    if (conversationId !== null && typeof conversationId !== "string") {
      throw new ValidationError("conversationId", "must be a string or null");
    }
    body.conversationId = conversationId;
  }
  return body;
}
