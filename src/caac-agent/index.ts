// chat-agent-apis/caac-agent: the runtime for CAAC's Self Hosted AI Agent endpoint, the reference
// agents, and the verify-agent conformance checker.
export {
  type Agent,
  type AgentContext,
  type AgentReply,
  type AgentRequestBody,
  type AgentResponseBody,
  type Conversation,
  type ConversationMember,
  type ConversationMessage,
  type ConversationParticipants,
  latestMemberText,
} from "./agent.js";
export { DEFAULT_KNOWLEDGE } from "./default-knowledge.js";
export {
  createFifthElementBridgeAgent,
  type FifthElementBridgeOptions,
  type FifthElementChat,
} from "./fifthelement-bridge.js";
export {
  type AgentHandlerOptions,
  createAgentHandler,
  DEADLINE_SAFETY_MARGIN_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_FALLBACK,
  DEFAULT_MAX_BODY_BYTES,
  type FallbackReason,
  type Logger,
} from "./handler.js";
export { DEFAULT_HANDOVER_TEXT, HUMAN_HANDOVER, handover, isHandover } from "./handover.js";
export { asksForHuman, createKnowledgeAgent, type KnowledgeAgentOptions } from "./knowledge-agent.js";
export {
  indexKnowledge,
  type KnowledgeEntry,
  type KnowledgeIndex,
  parseKnowledge,
} from "./knowledge-base.js";
export { type AgentServer, type ServeOptions, serveAgent } from "./node/serve.js";
export { CAAC_TIMEOUT_SECONDS, type Problem, SUPPORTED_VERSIONS } from "./spec.js";
export { type ConversationStore, DEFAULT_CONVERSATION_TTL_SECONDS } from "./store.js";
export {
  DEFAULT_STORE_REPORT_INTERVAL_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  type StoreHealthReport,
} from "./store-guard.js";
export {
  createMemoryConversationStore,
  DEFAULT_MEMORY_STORE_MAX_ENTRIES,
  type MemoryConversationStoreOptions,
} from "./store-memory.js";
export * from "./verify/index.js";
