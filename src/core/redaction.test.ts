import { describe, expect, it } from "vitest";
import { redactDeep, redactHeaders, redactSecrets, redactUrl, scrubError } from "./redaction.js";

describe("redaction", () => {
  it("redacts every known secret header and keeps the others", () => {
    const headers = redactHeaders({
      Authorization: "Bearer abc",
      apikey: "k1",
      "X-Cavuer-Api-Key": "k2",
      "x-api-key": "k3",
      cookie: "a=b",
      "proxy-authorization": "Basic x",
      "content-type": "application/json",
    });
    expect(headers).toEqual({
      authorization: "[redacted]",
      apikey: "[redacted]",
      "x-cavuer-api-key": "[redacted]",
      "x-api-key": "[redacted]",
      cookie: "[redacted]",
      "proxy-authorization": "[redacted]",
      "content-type": "application/json",
    });
  });

  it("scrubs given secrets and any Bearer token out of text", () => {
    expect(redactSecrets("key sk-123456 and again sk-123456", ["sk-123456"])).toBe(
      "key [redacted] and again [redacted]",
    );
    expect(redactSecrets('header "Bearer eyJhbGciOi.abc" sent')).toBe('header "Bearer [redacted]" sent');
    expect(redactSecrets("Bearer [redacted]")).toBe("Bearer [redacted]");
  });

  it("ignores secrets too short to scrub safely", () => {
    expect(redactSecrets("a cat", ["a", ""])).toBe("a cat");
  });

  it("removes credentials and key-like query values from URLs", () => {
    const url = redactUrl("https://user:pw@api.example.com/custom/SECRETID/send?apikey=k&token=t&page=2", [
      "SECRETID",
    ]);
    expect(url).not.toMatch(/SECRETID|pw|apikey=k|token=t/);
    expect(url).toContain("page=2");
  });

  it("scrubs secrets from parsed bodies and secret-named keys", () => {
    expect(redactDeep({ a: ["x sk-999999"], apikey: "plain", n: 1 }, ["sk-999999"])).toEqual({
      a: ["x [redacted]"],
      apikey: "[redacted]",
      n: 1,
    });
  });

  it("scrubs an error's message, stack and cause chain in place", () => {
    const inner = new Error("connect to https://h/?key=sk-777777 failed");
    const outer = new Error("fetch failed for sk-777777", { cause: inner });
    scrubError(outer, ["sk-777777"]);
    expect(outer.message).not.toContain("sk-777777");
    expect(outer.stack).not.toContain("sk-777777");
    expect(inner.message).not.toContain("sk-777777");
  });
});
