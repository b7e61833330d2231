// The rules a configured secret token must follow, and the redaction they make safe. Shared by
// every receiver that checks a token it was given (the CAAC agent handler, the ChatAIBot webhook),
// so that a token refused by one is refused by all. Web-standard and import-free: it runs
// wherever the receivers do.

/**
 * The shortest token accepted. Redaction replaces every occurrence of a token in text; a token
 * this long (about 71 bits if random alphanumeric) does not turn up in ordinary text by chance,
 * whereas `"0"` would turn `got 401` into `got 4[redacted]1`.
 */
export const MIN_TOKEN_LENGTH = 12;

/**
 * Who is checking the tokens, for the messages: the factory, and the option the tokens came in
 * (left out by a caller that names its own source, as the CLI does with its flag).
 */
export type TokenSource = { factory: string; option?: string | undefined };

/**
 * Throws a TypeError naming the factory, the option and the broken rule when a token is not a
 * string, is shorter than {@link MIN_TOKEN_LENGTH} or contains whitespace. The message gives the
 * token's position and length, never the token.
 */
export function assertTokenRules(tokens: readonly unknown[], { factory, option }: TokenSource): void {
  const source = option === undefined ? `${factory}: ` : `${factory}: \`${option}\`: `;
  tokens.forEach((token, index) => {
    const which = `token ${index + 1}`;
    if (typeof token !== "string") {
      throw new TypeError(`${source}every token must be a string (${which} is a ${typeof token}).`);
    }
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new TypeError(
        `${source}every token must be at least ${MIN_TOKEN_LENGTH} characters (${which} has ${token.length}): ` +
          "shorter ones cannot be redacted from logs without garbling ordinary text.",
      );
    }
    if (/\s/.test(token)) {
      // Whitespace at an end is the common case: a token read from a file keeps its newline.
      const atEnd =
        token.trim() === token
          ? ""
          : " at its start or end (a token read from a file keeps its newline: trim it)";
      throw new TypeError(
        `${source}${which} contains whitespace${atEnd}, which no \`Authorization: Bearer\` header can carry.`,
      );
    }
  });
}

/**
 * Replaces every occurrence of each token in `text` with `[redacted]`. Call it on the whole text,
 * before any truncation: a token cut in half no longer matches.
 */
export function redactTokens(text: string, tokens: readonly string[]): string {
  return tokens.reduce((out, token) => out.split(token).join("[redacted]"), text);
}
