// Recognises handover markers, exact or mangled, so that a reply which *tries* to hand over but
// misspells the marker is reported instead of silently reaching the customer as text.
import { HUMAN_HANDOVER } from "../handover.js";

// Anything that looks like an attempt at the marker: optional brackets, any case, space, dash or
// underscore between the words.
const NEAR_MARKER = /<?\s*\/?\s*human[\s_-]*hand[\s_-]*over\s*>?/gi;

/** The mangled variants of the marker found in `text` (empty when every marker is exact). */
export function malformedMarkers(text: string): string[] {
  return [...text.matchAll(NEAR_MARKER)]
    .map((match) => match[0].trim())
    .filter((found) => found !== HUMAN_HANDOVER);
}
