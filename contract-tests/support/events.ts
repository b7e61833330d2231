// Splits a text/event-stream body into the `data` of each event (the subset of the SSE format
// the specs' examples use: `data:` lines, blank-line separated, comments ignored). The client
// under test parses with its own parser; this one only reads what a test server or mock sent.
import type { Json } from "./openapi.js";

/** The `data` of each event of `text`, multi-line data joined with "\n". */
export function eventData(text: string): string[] {
  const events: string[] = [];
  for (const block of text.replace(/\r\n?/g, "\n").split(/\n\n+/)) {
    const lines = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""));
    if (lines.length > 0) events.push(lines.join("\n"));
  }
  return events;
}

/** An event's data as a value to validate: JSON when it parses, else the raw string (e.g. `[DONE]`). */
export function eventValue(data: string): Json {
  try {
    return JSON.parse(data) as Json;
  } catch {
    return data;
  }
}
