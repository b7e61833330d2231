/** `chat-agent-apis/chataibot`: the ChatAIBot API channel client. */

export type { components, operations, paths } from "../../generated/chataibot.js";
export * from "./client.js";
