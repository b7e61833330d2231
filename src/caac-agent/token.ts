// Bearer tokens: checking them, and keeping them out of text. The presented token is compared in
// constant time with EVERY configured token (rotation) without stopping at the first difference
// or the first match: differences are OR-accumulated over the presented token's whole length,
// with the length difference folded in. The time taken depends only on the presented token's
// length and on how many tokens are configured, never on their content or their lengths (a token
// is read cyclically, `i % length`, so no branch depends on where it ends). Synchronous and
// allocation-free per request; no WebCrypto or node:crypto needed.

import { assertTokenRules, type TokenSource } from "../core/token-rules.js";

// The rules and the redaction live in src/core, shared with the ChatAIBot webhook receiver.
export { MIN_TOKEN_LENGTH, redactTokens } from "../core/token-rules.js";

/** Checks `Authorization` headers against a set of tokens. */
export type TokenChecker = (authorization: string | null) => boolean;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

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

  return (authorization) => {
    const match = BEARER.exec(authorization ?? "");
    // Still compare something when the header is absent or malformed, so every path does the work.
    const presented = match?.[1] ?? "";
    const length = presented.length;
    let matched = 0;
    for (const units of expected) {
      let difference = units.length ^ length;
      for (let i = 0; i < length; i++)
        difference |= (units[i % units.length] as number) ^ presented.charCodeAt(i);
      // 1 when difference is 0, else 0, without a branch.
      matched |= ((difference | -difference) >>> 31) ^ 1;
    }
    return match !== null && matched === 1;
  };
}
