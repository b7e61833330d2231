// Assertions shared by every contract case: Prism found no violation, and a body matches the
// schema the spec documents for its status and content type.
import { expect } from "vitest";
import type { Exchange } from "../../src/test-support/tapping-fetch.js";
import { eventData, eventValue } from "./events.js";
import {
  describeErrors,
  eventDataSchema,
  type Operation,
  responseContentTypes,
  responseSchema,
  validatorFor,
} from "./openapi.js";

/** One finding of Prism's `sl-violations` header. */
export type Violation = { location: string[]; severity: string; message: string };

/** Prism's findings on an exchange, parsed; empty when none. */
export function parseViolations(exchange: Exchange): Violation[] {
  const header = exchange.headers.get("sl-violations");
  if (!header) return [];
  try {
    const list = JSON.parse(header) as Array<Partial<Violation>>;
    return list.map((v) => ({
      location: v.location ?? [],
      severity: v.severity ?? "?",
      message: v.message ?? "",
    }));
  } catch {
    return [{ location: [], severity: "?", message: header }];
  }
}

/** A finding as one readable line: `Error at response.body.data: must be string`. */
export function formatViolation(v: Violation): string {
  return `${v.severity} at ${v.location.join(".")}: ${v.message}`;
}

/** Prism's findings on an exchange (`sl-violations`), one readable line each; empty when none. */
export function violations(exchange: Exchange): string[] {
  return parseViolations(exchange).map(formatViolation);
}

/** Fails with Prism's own words when any exchange carries `sl-violations`. */
export function expectNoViolations(exchanges: readonly Exchange[]): void {
  expect(exchanges.length, "the client sent no request").toBeGreaterThan(0);
  for (const exchange of exchanges) {
    const found = violations(exchange);
    expect(found, `sl-violations on ${exchange.method} ${exchange.url} → ${exchange.status}`).toEqual([]);
  }
}

/**
 * Checks the body of `exchange` against the spec: the schema of its status and content type
 * (per event for `text/event-stream`), or an empty body when the spec documents none.
 */
export async function expectBodyMatchesSpec(op: Operation, exchange: Exchange): Promise<void> {
  const where = `${op.api} ${op.operationId} ${exchange.status}`;
  const contentType = exchange.headers.get("content-type") ?? "";
  const documented = responseContentTypes(op, exchange.status);
  const text = await exchange.text();
  if (documented.length === 0) {
    expect(text, `${where}: the spec documents no body`).toBe("");
    return;
  }
  const schema = responseSchema(op, exchange.status, contentType);
  expect(
    schema,
    `${where}: content type "${contentType}" is not one of ${documented.join(", ")}`,
  ).toBeDefined();
  if (contentType.startsWith("text/event-stream")) {
    const validate = validatorFor(eventDataSchema(op, exchange.status));
    const events = eventData(text);
    expect(events.length, `${where}: no events`).toBeGreaterThan(0);
    for (const [i, data] of events.entries()) {
      expect(validate(eventValue(data)), `${where} event ${i} ${data}: ${describeErrors(validate)}`).toBe(
        true,
      );
    }
    return;
  }
  const validate = validatorFor(schema ?? {});
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    expect.fail(`${where}: body is not JSON: ${text.slice(0, 200)}`);
  }
  expect(validate(body), `${where}: ${describeErrors(validate)}`).toBe(true);
}
