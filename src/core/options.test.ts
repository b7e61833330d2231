import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, resolveOptions } from "./options.js";

describe("resolveOptions", () => {
  it("uses the documented defaults", () => {
    expect(resolveOptions({})).toEqual({
      timeout: DEFAULT_TIMEOUT_MS,
      maxRetries: DEFAULT_MAX_RETRIES,
      retryNonIdempotent: false,
      signal: undefined,
    });
    expect([DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RETRIES]).toEqual([60_000, 2]);
  });

  it("lets per-call options override client options", () => {
    const signal = new AbortController().signal;
    const client = { timeout: 1000, maxRetries: 5, retryNonIdempotent: true };
    expect(resolveOptions(client, { timeout: 10, maxRetries: 0, retryNonIdempotent: false, signal })).toEqual(
      {
        timeout: 10,
        maxRetries: 0,
        retryNonIdempotent: false,
        signal,
      },
    );
    expect(resolveOptions(client, {}).maxRetries).toBe(5);
  });

  it("rejects a non-positive timeout and a fractional or negative maxRetries", () => {
    expect(() => resolveOptions({ timeout: -1 })).toThrow("timeout: must be a positive number of ms");
    expect(() => resolveOptions({}, { maxRetries: 0.5 })).toThrow(
      "maxRetries: must be a non-negative integer",
    );
  });
});
