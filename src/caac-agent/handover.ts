// The handover marker and helpers around it. The marker's exact text comes from the spec.
import { HANDOVER_MARKER } from "./spec.js";

/** `<HUMAN_HANDOVER>`: inside `reply_text`, asks CAAC to hand the conversation to a human. */
export const HUMAN_HANDOVER: string = HANDOVER_MARKER;

/** The text sent with a handover when none is given. */
export const DEFAULT_HANDOVER_TEXT = "Let me connect you with a member of our team, who will reply shortly.";

/** A reply that hands the conversation to a human: `text` followed by the marker. */
export function handover(text: string = DEFAULT_HANDOVER_TEXT): string {
  const trimmed = text.trim();
  return trimmed === "" ? HUMAN_HANDOVER : `${trimmed} ${HUMAN_HANDOVER}`;
}

/** True when the reply (a string or `{ replyText }`) contains the exact handover marker. */
export function isHandover(reply: string | { replyText: string }): boolean {
  const text = typeof reply === "string" ? reply : reply.replyText;
  return text.includes(HUMAN_HANDOVER);
}
