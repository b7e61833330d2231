/** The Cavuer Custom API channel client: `sendMessage` plus the typed openapi-fetch surface. */

import { API_SERVERS } from "../../generated/apis.js";
import type { components, paths } from "../../generated/cavuer.js";
import {
  type ClientOptions,
  createTypedClient,
  type RequestOptions,
  requireSecret,
  requireString,
  type TypedClient,
  ValidationError,
} from "../core/index.js";

/** The body of `sendMessage`: a one-to-one or a group chat message. */
export type SendMessageBody = components["schemas"]["SendMessageRequest"];

/** Options of {@link createCavuerClient}. */
export interface CavuerClientOptions extends ClientOptions {
  /** API key from the Cavuer dashboard (Profile), sent as `x-cavuer-api-key`. */
  apiKey: string;
  /** API root (default {@link CAVUER_DEFAULT_BASE_URL}); point it at a mock in tests. */
  baseUrl?: string | undefined;
}

/** The server of specs/cavuer/openapi.yaml. */
export const CAVUER_DEFAULT_BASE_URL = API_SERVERS.cavuer[0].url;

export type CavuerClient = TypedClient<paths> & {
  /**
   * Sends a message to the agent behind the Custom channel `channelId` (its Unique Identifier).
   * Resolves when Cavuer answers 200 (no body is documented); throws a typed error otherwise.
   * Not retried after a 5xx or timeout by default, so a message is never sent twice.
   */
  sendMessage(channelId: string, body: SendMessageBody, options?: RequestOptions): Promise<void>;
};

/** Creates a Cavuer client. */
export function createCavuerClient(options: CavuerClientOptions): CavuerClient {
  const { apiKey, baseUrl = CAVUER_DEFAULT_BASE_URL, ...common } = options;
  const api = createTypedClient<paths>({
    ...common,
    vendor: "Cavuer",
    baseUrl,
    authHeaders: { "x-cavuer-api-key": requireSecret("apiKey", apiKey) },
  });

  async function sendMessage(channelId: string, body: SendMessageBody, call?: RequestOptions) {
    requireString("channelId", channelId);
    validateSendMessage(body);
    api.unwrap(
      await api.POST("/custom/{uniqueIdentifier}/send", {
        params: { path: { uniqueIdentifier: channelId } },
        body,
        // The 200 has no body; read none rather than fail on an empty JSON parse.
        parseAs: "text",
        ...api.requestInit(call),
      }),
    );
  }

  return { ...api, sendMessage };
}

/** The seed's rules, checked before any request: chatId, content with text or url, group → participantId. */
export function validateSendMessage(body: SendMessageBody): void {
  if (body === null || typeof body !== "object") throw new ValidationError("body", "must be an object");
  requireString("chatId", body.chatId);
  const content: Record<string, unknown> | undefined = body.content;
  if (content === null || typeof content !== "object")
    throw new ValidationError("content", "required object");
  const hasText = typeof content.text === "string" && content.text !== "";
  const hasUrl = typeof content.url === "string" && content.url !== "";
  if (!hasText && !hasUrl) throw new ValidationError("content", "must carry text or url");
  const chatType: unknown = body.chatType ?? "user";
  if (chatType !== "user" && chatType !== "group") {
    throw new ValidationError("chatType", `must be "user" or "group", got ${JSON.stringify(chatType)}`);
  }
  const participantId: unknown = (body as { participantId?: unknown }).participantId;
  if (chatType === "group" && (typeof participantId !== "string" || participantId.trim() === "")) {
    throw new ValidationError("participantId", 'required when chatType is "group"');
  }
}
