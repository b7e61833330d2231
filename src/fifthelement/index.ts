/** `chat-agent-apis/fifthelement`: the Fifth Element AI client (chat, knowledge base, jobs, tokens). */

export type { components, operations, paths } from "../../generated/fifthelement.js";
export * from "./client.js";
export * from "./knowledge.js";
export * from "./stream.js";
