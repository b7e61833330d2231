// Prism serves a `text/event-stream` example as one string, at once. A mock that streams writes
// it back one event at a time, so a user's UI sees chunks arrive and a client's idle timeout or
// cut-off handling can be tested against the mock.
import type { ServerResponse } from "node:http";

/** The events of an SSE body, each with its blank-line terminator (a trailing partial event too). */
export function splitEvents(body: string): string[] {
  const events = body.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r)|[\s\S]+$/g) ?? [];
  return events.filter((event) => event.trim() !== "");
}

/** Options of {@link writePacedEvents}. */
export interface PacingOptions {
  /** Pause before each event, in ms. */
  delayMs: number;
  /** Leave the response open after the last event instead of ending it (a stalled stream). */
  stall: boolean;
}

/**
 * Writes `body` to `res` one event at a time, `delayMs` apart, then ends it (or, with `stall`,
 * leaves it open until the client goes away or the mock stops). Stops early when the client
 * disconnects, so a cancelled stream costs nothing more.
 */
export async function writePacedEvents(
  res: ServerResponse,
  body: string,
  options: PacingOptions,
): Promise<void> {
  res.flushHeaders();
  for (const event of splitEvents(body)) {
    if (options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (res.destroyed || res.writableEnded) return;
    res.write(event);
  }
  if (!options.stall) res.end();
}
