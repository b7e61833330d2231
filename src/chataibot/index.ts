/** `chat-agent-apis/chataibot`: the ChatAIBot API channel client and the Events webhook receiver. */

export type { components, operations, paths } from "../../generated/chataibot.js";
export * from "./client.js";
export * from "./webhook.js";
