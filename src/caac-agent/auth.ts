// Bearer-token checking in constant time. Both sides are HMAC'd with a per-process random key,
// so the comparison runs over fixed-length digests: neither the token's length nor the position
// of the first differing byte shows in the timing. Every configured token is compared (rotation)
// without stopping at the first match.

const encoder = new TextEncoder();

/** Checks `Authorization` headers against a set of tokens. */
export type TokenChecker = (authorization: string | null) => Promise<boolean>;

/** Creates a checker for one or more accepted tokens (several during rotation). */
export function createTokenChecker(tokens: readonly string[]): TokenChecker {
  if (tokens.length === 0 || tokens.some((token) => token.length === 0)) {
    throw new TypeError(
      "createAgentHandler: at least one non-empty token is required (option `token` or `tokens`).",
    );
  }
  const key = crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = async (value: string) =>
    new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(value)));
  const expected = Promise.all(tokens.map(mac));
  // Unhandled-rejection safety: a failure surfaces when a request awaits these.
  key.catch(() => {});
  expected.catch(() => {});

  return async (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
    // Still hash something when the header is absent, so both paths cost the same.
    const presented = await mac(match?.[1] ?? "");
    let matched = 0;
    for (const digest of await expected) {
      let difference = 0;
      for (let i = 0; i < digest.length; i++) difference |= (digest[i] ?? 0) ^ (presented[i] ?? 0);
      matched |= difference === 0 ? 1 : 0;
    }
    return match !== null && matched === 1;
  };
}
