import { describe, expect, it } from "vitest";
import { TOKEN } from "../test-support/caac-requests.js";
import { createTokenChecker, redactTokens } from "./token.js";

const OTHER_TOKEN = "rotated-token-0a1b2c3d";

describe("createTokenChecker", () => {
  const check = createTokenChecker([TOKEN, OTHER_TOKEN]);
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`Bearer ${OTHER_TOKEN}`, true],
    [`bearer\t${TOKEN}\t`, true],
    [`Bearer ${TOKEN}${TOKEN}`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Bearer ${TOKEN.slice(1)}`, false],
    [`Bearer ${TOKEN.slice(0, -1)}X`, false],
    [`Bearer ${TOKEN} extra`, false],
    [`Basic ${TOKEN}`, false],
    ["Bearer ", false],
    ["", false],
    [null, false],
  ])("accepts %s: %s", (header, expected) => {
    expect(check(header)).toBe(expected);
  });

  it("answers the same for any order of presented lengths, short, long and beyond the cyclic copies", () => {
    // The comparison reads each token from copies grown to the longest presented token so far
    // (up to 1,024 characters, then with a modulo): every length before and after a growth.
    const fresh = createTokenChecker([TOKEN, OTHER_TOKEN]);
    const headers: [string, boolean][] = [
      [`Bearer ${TOKEN.repeat(3)}`, false],
      [`Bearer ${TOKEN}`, true],
      [`Bearer ${"x".repeat(5000)}`, false],
      [`Bearer ${OTHER_TOKEN}`, true],
      [`Bearer ${TOKEN.repeat(40)}`, false],
      [`Bearer ${TOKEN}`, true],
      [`Bearer ${OTHER_TOKEN.slice(0, -1)}`, false],
      [`Bearer ${OTHER_TOKEN}`, true],
    ];
    for (const [header, expected] of headers) expect(fresh(header), header.slice(0, 40)).toBe(expected);
  });

  it("refuses an empty token list, an empty or short token, and one with whitespace", () => {
    expect(() => createTokenChecker([])).toThrow(TypeError);
    expect(() => createTokenChecker([TOKEN, ""])).toThrow(/at least 12 characters \(token 2 has 0\)/);
    expect(() => createTokenChecker(["x".repeat(11)])).toThrow(/at least 12 characters/);
    expect(() => createTokenChecker(["twelve chars"])).toThrow(/whitespace/);
    expect(createTokenChecker(["x".repeat(12)])(`Bearer ${"x".repeat(12)}`)).toBe(true);
  });
});

describe("redactTokens", () => {
  it("replaces every occurrence of every token", () => {
    expect(redactTokens(`a ${TOKEN} b ${OTHER_TOKEN} c ${TOKEN}`, [TOKEN, OTHER_TOKEN])).toBe(
      "a [redacted] b [redacted] c [redacted]",
    );
  });
});
