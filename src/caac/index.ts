/** `chat-agent-apis/caac`: the Crescendo Lab CAAC OpenAPI client. */

export type { components, operations, paths } from "../../generated/caac.js";
export * from "./client.js";
