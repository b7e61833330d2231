import { describe, expect, it } from "vitest";
import { assertTokenRules, MIN_TOKEN_LENGTH, redactTokens } from "./token-rules.js";

const source = { factory: "createThing", option: "secret" };

describe("assertTokenRules", () => {
  it("accepts tokens of at least MIN_TOKEN_LENGTH characters without whitespace", () => {
    expect(() =>
      assertTokenRules(["x".repeat(MIN_TOKEN_LENGTH), "rotated-token-0a1b2c3d"], source),
    ).not.toThrow();
  });

  it.each([
    [
      "a short one",
      "0",
      /createThing: `secret`: every token must be at least 12 characters \(token 1 has 1\)/,
    ],
    ["blanks", "   ", /at least 12 characters \(token 1 has 3\)/],
    [
      "a trailing newline",
      "padded-token-123456\n",
      /`secret`: token 1 contains whitespace at its start or end.*trim it/,
    ],
    ["padding", " padded-token-123456 ", /`secret`: token 1 contains whitespace at its start or end/],
    ["an inner space", "padded token-123456", /`secret`: token 1 contains whitespace, which/],
    ["a number", 123456789012345, /`secret`: every token must be a string \(token 1 is a number\)/],
  ])("refuses %s, naming the factory, the option and the rule but not the token", (_, token, rule) => {
    let thrown: unknown;
    try {
      assertTokenRules([token], source);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toMatch(rule);
    if (typeof token === "string" && token.trim().length > 1)
      expect(String(thrown)).not.toContain(token.trim());
  });

  it("names the position of the broken token in a rotation list", () => {
    expect(() => assertTokenRules(["rotated-token-0a1b2c3d", "abc"], source)).toThrow(/token 2 has 3/);
  });

  it("leaves the option out when the caller names its own source", () => {
    expect(() => assertTokenRules(["abc"], { factory: "createThing" })).toThrow(
      /^createThing: every token must be at least 12 characters \(token 1 has 3\)/,
    );
  });
});

describe("redactTokens", () => {
  it("replaces every occurrence of every token, leaving other text alone", () => {
    expect(redactTokens("got 401 for aaaaaaaaaaaa and bbbbbbbbbbbb", ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])).toBe(
      "got 401 for [redacted] and [redacted]",
    );
  });
});
