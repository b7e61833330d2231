// Bearer tokens: checking them, and keeping them out of text. The presented token is compared in
// constant time with EVERY configured token (rotation) without stopping at the first difference
// or the first match: differences are OR-accumulated over the presented token's whole length,
// with the length difference folded in. The time taken depends only on the presented token's
// length and on how many tokens are configured, never on their content or their lengths (a token
// is read cyclically, so no branch depends on where it ends). Synchronous and allocation-free per
// request (but when a longer presented token than any before grows the cyclic copies); no
// WebCrypto or node:crypto needed.

import { assertTokenRules, type TokenSource } from "../core/token-rules.js";

// The rules and the redaction live in src/core, shared with the ChatAIBot webhook receiver.
export { MIN_TOKEN_LENGTH, redactTokens } from "../core/token-rules.js";

/** Checks `Authorization` headers against a set of tokens. */
export type TokenChecker = (authorization: string | null) => boolean;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The longest presented token compared through the cyclic copies (see createTokenChecker). */
const MAX_CYCLIC = 1024;

/** Creates a checker for one or more accepted tokens (several during rotation). */
export function createTokenChecker(
  tokens: readonly string[],
  source: TokenSource = { factory: "createAgentHandler" },
): TokenChecker {
  if (tokens.length === 0) {
    throw new TypeError(
      `${source.factory}: at least one token is required (option \`token\` or \`tokens\`).`,
    );
  }
  assertTokenRules(tokens, source);
  // Code units, encoded once: header values are byte strings (every char < 256), so comparing
  // UTF-16 code units is exactly comparing the strings.
  const expected = tokens.map((token) => {
    const units = new Uint16Array(token.length);
    for (let i = 0; i < token.length; i++) units[i] = token.charCodeAt(i);
    return units;
  });
  // Each token read cyclically (`units[i % length]`), written out up to the longest presented
  // token so far: the comparison loop then reads `cyclic[i]`, without the division per character
  // that was most of the check's cost. Grown only by a presented length (the caller's, which the
  // time depends on anyway), the same work whatever the tokens; beyond MAX_CYCLIC characters the
  // loop reads with `%` instead, so a huge header never pins a huge copy.
  let cyclic = expected.map(() => new Uint16Array(0));
  const grow = (length: number) => {
    cyclic = expected.map((units) => {
      const out = new Uint16Array(length);
      for (let i = 0; i < length; i++) out[i] = units[i % units.length] as number;
      return out;
    });
  };

  return (authorization) => {
    const match = BEARER.exec(authorization ?? "");
    // Still compare something when the header is absent or malformed, so every path does the work.
    const presented = match?.[1] ?? "";
    const length = presented.length;
    if (length > (cyclic[0] as Uint16Array).length && length <= MAX_CYCLIC) grow(length);
    let matched = 0;
    for (let t = 0; t < expected.length; t++) {
      const units = expected[t] as Uint16Array;
      const copy = cyclic[t] as Uint16Array;
      let difference = units.length ^ length;
      if (length <= copy.length) {
        for (let i = 0; i < length; i++) difference |= (copy[i] as number) ^ presented.charCodeAt(i);
      } else {
        for (let i = 0; i < length; i++)
          difference |= (units[i % units.length] as number) ^ presented.charCodeAt(i);
      }
      // 1 when difference is 0, else 0, without a branch.
      matched |= ((difference | -difference) >>> 31) ^ 1;
    }
    return match !== null && matched === 1;
  };
}
