/** `chat-agent-apis/fifthelement`: the Fifth Element AI Chat API client. */

export type { components, operations, paths } from "../../generated/fifthelement.js";
export * from "./client.js";
export * from "./stream.js";
