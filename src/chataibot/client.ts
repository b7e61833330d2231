/** The ChatAIBot API channel client: `startConversation`, `sendVisitorMessage` plus the typed surface. */

import { API_SERVERS } from "../../generated/apis.js";
import type { components, paths } from "../../generated/chataibot.js";
import {
  type ClientOptions,
  createTypedClient,
  type RequestOptions,
  requireSecret,
  requireString,
  type TypedClient,
  ValidationError,
} from "../core/index.js";

type Schemas = components["schemas"];
export type StartConversationBody = Schemas["StartConversationRequest"];
export type StartConversationResult = Schemas["StartConversationResponse"];
export type SendVisitorMessageBody = Schemas["SendVisitorMessageRequest"];
export type SendVisitorMessageResult = Schemas["SendVisitorMessageResponse"];

/** Options of {@link createChatAIBotClient}. */
export interface ChatAIBotClientOptions extends ClientOptions {
  /** Your ChatAIBot API token, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** API root (default {@link CHATAIBOT_DEFAULT_BASE_URL}); point it at a mock in tests. */
  baseUrl?: string | undefined;
}

/** The server of specs/chataibot/openapi.yaml. */
export const CHATAIBOT_DEFAULT_BASE_URL = API_SERVERS.chataibot[0].url;

export type ChatAIBotClient = TypedClient<paths> & {
  /** Starts a conversation of one unique visitor (`from.user_external_id`) with the bot `bot_key`. */
  startConversation(body: StartConversationBody, options?: RequestOptions): Promise<StartConversationResult>;
  /** Passes a visitor's reply to the bot flow: a text, or the full documented body. */
  sendVisitorMessage(
    conversationId: string,
    message: string | SendVisitorMessageBody,
    options?: RequestOptions,
  ): Promise<SendVisitorMessageResult>;
};

/** Creates a ChatAIBot client. */
export function createChatAIBotClient(options: ChatAIBotClientOptions): ChatAIBotClient {
  const { apiKey, baseUrl = CHATAIBOT_DEFAULT_BASE_URL, ...common } = options;
  const api = createTypedClient<paths>({
    ...common,
    vendor: "ChatAIBot",
    baseUrl,
    authHeaders: { authorization: `Bearer ${requireSecret("apiKey", apiKey)}` },
  });

  async function startConversation(body: StartConversationBody, call?: RequestOptions) {
    validateStartConversation(body);
    return api.unwrap(await api.POST("/conversations", { body, ...api.requestInit(call) }));
  }

  async function sendVisitorMessage(
    conversationId: string,
    message: string | SendVisitorMessageBody,
    call?: RequestOptions,
  ) {
    requireString("conversationId", conversationId);
    const body: SendVisitorMessageBody =
      typeof message === "string"
        ? { message: { data: { body: message }, type: "text" }, user: { type: "VISITOR" } }
        : message;
    requireString("message.data.body", body?.message?.data?.body);
    return api.unwrap(
      await api.POST("/conversation/{conversation_id}/messages", {
        params: { path: { conversation_id: conversationId } },
        body,
        ...api.requestInit(call),
      }),
    );
  }

  return { ...api, startConversation, sendVisitorMessage };
}

function validateStartConversation(body: StartConversationBody): void {
  if (body === null || typeof body !== "object") throw new ValidationError("body", "must be an object");
  requireString("bot_key", body.bot_key);
  requireString("from.user_external_id", body.from?.user_external_id);
  requireString("message.data.body", body.message?.data?.body);
}
