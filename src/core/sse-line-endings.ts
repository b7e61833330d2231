/**
 * Line endings rewritten to LF before the SSE parser sees them. SSE allows CRLF, LF and a lone CR;
 * eventsource-parser 3.1.1 holds a chunk's trailing CR back in case an LF follows, so a CR-only
 * stream (`data: [DONE]\r\r`) was seen only when the next bytes or the close came. 4.x fixes it
 * but declares Node >= 22.12, above this package's floor, so the fix lives here.
 */

const CR = 13;
const LF = 10;
const CR_OR_CRLF = /\r\n?/g;

/** Rewrites CRLF and lone CR to LF across chunks; a CRLF split between two chunks stays one ending. */
export class LineEndingNormaliser {
  /** The previous chunk ended in CR: an LF starting this one belongs to that CRLF. */
  #afterCR = false;

  /** `text` (the next decoded chunk) with every line ending as LF. */
  normalise(text: string): string {
    if (text === "") return text;
    const out = this.#afterCR && text.charCodeAt(0) === LF ? text.slice(1) : text;
    this.#afterCR = text.charCodeAt(text.length - 1) === CR;
    return out.indexOf("\r") === -1 ? out : out.replace(CR_OR_CRLF, "\n");
  }
}
