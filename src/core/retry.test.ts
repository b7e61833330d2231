import { describe, expect, it } from "vitest";
import {
  MAX_RETRY_AFTER_MS,
  retryDelayMs,
  shouldRetryError,
  shouldRetryResponse,
  wasNotSent,
} from "./retry.js";

const get = { method: "GET", retryNonIdempotent: false };
const post = { method: "POST", retryNonIdempotent: false };
const postOptIn = { method: "POST", retryNonIdempotent: true };
const none = new Headers();

describe("shouldRetryResponse", () => {
  it.each([
    [408, true, true],
    [409, true, true],
    [429, true, true],
    [500, true, false],
    [502, true, false],
    [503, true, false],
    [400, false, false],
    [401, false, false],
    [404, false, false],
    [422, false, false],
  ])("status %i: GET retried=%s, POST retried=%s", (status, forGet, forPost) => {
    expect(shouldRetryResponse(status, none, get)).toBe(forGet);
    expect(shouldRetryResponse(status, none, post)).toBe(forPost);
  });

  it("retries POST after 5xx only with retryNonIdempotent", () => {
    expect(shouldRetryResponse(500, none, postOptIn)).toBe(true);
    expect(shouldRetryResponse(500, none, { method: "PATCH", retryNonIdempotent: false })).toBe(false);
    expect(shouldRetryResponse(500, none, { method: "PUT", retryNonIdempotent: false })).toBe(true);
  });

  it("lets x-should-retry override the status rule both ways", () => {
    expect(shouldRetryResponse(400, new Headers({ "x-should-retry": "true" }), post)).toBe(true);
    expect(shouldRetryResponse(503, new Headers({ "x-should-retry": "false" }), get)).toBe(false);
    expect(shouldRetryResponse(429, new Headers({ "x-should-retry": "false" }), get)).toBe(false);
  });
});

describe("shouldRetryError", () => {
  const refused = new TypeError("fetch failed", {
    cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
  });
  const reset = new TypeError("fetch failed", {
    cause: Object.assign(new Error("x"), { code: "ECONNRESET" }),
  });
  it("retries any connection error for GET", () => {
    expect(shouldRetryError(reset, get)).toBe(true);
  });
  it("retries POST only when the request provably was not sent", () => {
    expect(shouldRetryError(refused, post)).toBe(true);
    expect(shouldRetryError(reset, post)).toBe(false);
    expect(shouldRetryError(reset, postOptIn)).toBe(true);
  });
  it("finds not-sent codes deep in causes and in AggregateErrors", () => {
    const aggregate = new AggregateError([
      Object.assign(new Error(), { code: "ECONNREFUSED" }),
      Object.assign(new Error(), { code: "ECONNREFUSED" }),
    ]);
    expect(wasNotSent(new Error("a", { cause: new Error("b", { cause: aggregate }) }))).toBe(true);
    expect(wasNotSent(new Error("timeout"))).toBe(false);
  });
});

describe("retryDelayMs", () => {
  const now = Date.UTC(2025, 0, 1);
  const headers = (init: Record<string, string>) => new Headers(init);

  it("prefers retry-after-ms, then Retry-After seconds or date", () => {
    expect(retryDelayMs(0, headers({ "retry-after-ms": "250", "retry-after": "9" }), 429, now)).toBe(250);
    expect(retryDelayMs(0, headers({ "retry-after": "2" }), 429, now)).toBe(2000);
    const date = new Date(now + 5000).toUTCString();
    expect(retryDelayMs(0, headers({ "retry-after": date }), 503, now)).toBe(5000);
  });

  it("clamps server-requested waits to 0–60 s", () => {
    expect(retryDelayMs(0, headers({ "retry-after": "3600" }), 429, now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(0, headers({ "retry-after": "-5" }), 429, now)).toBe(0);
    const past = new Date(now - 10_000).toUTCString();
    expect(retryDelayMs(0, headers({ "retry-after": past }), 429, now)).toBe(0);
  });

  it("uses X-RateLimit-Reset on 429 only, when no Retry-After", () => {
    const reset = headers({ "x-ratelimit-reset": String(now / 1000 + 3) });
    expect(retryDelayMs(0, reset, 429, now)).toBe(3000);
    expect(retryDelayMs(0, reset, 503, now, () => 0)).toBe(500);
  });

  it("backs off exponentially up to 8 s with at most 25 % jitter", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(n, undefined, undefined, now, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(retryDelayMs(0, undefined, undefined, now, () => 0.999)).toBeGreaterThan(375);
    expect(retryDelayMs(3, headers({ "retry-after": "soon" }), 503, now, () => 1)).toBe(3000);
  });
});
