/** `chat-agent-apis/cavuer`: the Custom API channel client and the widget identity helpers. */

export type { components, operations, paths } from "../../generated/cavuer.js";
export * from "./client.js";
export * from "./identity.js";
