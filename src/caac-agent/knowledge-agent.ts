// The embedded reference agent: answers from a local knowledge file, no network. It hands over
// when the customer asks for a person or when no section matches well enough.
import { type Agent, latestMemberText } from "./agent.js";
import { DEFAULT_KNOWLEDGE } from "./default-knowledge.js";
import { handover } from "./handover.js";
import { indexKnowledge, parseKnowledge } from "./knowledge-base.js";

/** Options of {@link createKnowledgeAgent}. */
export type KnowledgeAgentOptions = {
  /** The knowledge file's text (see knowledge-base.ts for the format). Default: a small example shop. */
  knowledge?: string;
  /** Smallest confidence (0–1) at which an answer is given instead of a handover. Default: 0.5. */
  minConfidence?: number;
  /** The reply when the conversation has no customer text yet. */
  greeting?: string;
  /** The text sent with a handover. */
  handoverText?: string;
};

// English words plus Chinese and Japanese ones, since CAAC serves Taiwan, Thailand and Japan.
const ASKS_FOR_HUMAN =
  /\b(human|humans|agent|person|people|operator|representative|staff|someone|somebody)\b|真人|人工|客服人員|專人|オペレーター|担当者|有人/i;

/** True when the text asks to speak with a person. */
export function asksForHuman(text: string): boolean {
  return ASKS_FOR_HUMAN.test(text);
}

/** Creates the knowledge agent. Throws at creation when the knowledge file is malformed. */
export function createKnowledgeAgent(options: KnowledgeAgentOptions = {}): Agent {
  const index = indexKnowledge(parseKnowledge(options.knowledge ?? DEFAULT_KNOWLEDGE));
  const minConfidence = options.minConfidence ?? 0.5;
  const greeting = options.greeting ?? "Hello! How can I help you today?";
  const handoverText = options.handoverText;

  return (conversation) => {
    const question = latestMemberText(conversation);
    if (question === undefined) return greeting;
    if (asksForHuman(question)) return handover(handoverText);
    const hit = index.search(question);
    if (!hit || hit.confidence < minConfidence) return handover(handoverText);
    return hit.entry.answer;
  };
}
