// Cavuer widget user identification (seed 001): the server signs the user id with the channel's
// secret key (HMAC-SHA256, lowercase hex) and passes id and hash to the embed script as
// `data-user-id` / `data-user-hash`. WebCrypto only, so this module runs in Node ≥ 20, Bun,
// Deno, edge runtimes and browsers (though the secret key itself belongs on a server).

/** The embed script URL from Cavuer's installation instructions. */
export const WIDGET_SCRIPT_SRC = "https://widget.cavuer.com/embed.js";

const encoder = new TextEncoder();
const HASH_PATTERN = /^[0-9a-f]{64}$/;

function requireText(value: unknown, name: string, what: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string (${what}); got ${describe(value)}`);
  }
  return value;
}

// Never echoes the value itself: some of these arguments are secrets.
function describe(value: unknown): string {
  if (value === "") return "an empty string";
  return value === null ? "null" : typeof value;
}

function hmacKey(secretKey: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey(
    "raw",
    encoder.encode(secretKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

/**
 * The `data-user-hash` for a user id: HMAC-SHA256 of the UTF-8 user id keyed with the UTF-8
 * secret key, as lowercase hex. Identical to the seed's Node (`createHmac`), Python (`hmac.new`)
 * and PHP (`hash_hmac`) snippets. Compute it on your server; never ship the secret key to a browser.
 */
export async function computeUserHash(userId: string, secretKey: string): Promise<string> {
  requireText(userId, "userId", "the identifier you pass as data-user-id");
  requireText(secretKey, "secretKey", "the widget's Secret Key from the Cavuer dashboard, Security section");
  const key = await hmacKey(secretKey, "sign");
  const mac = new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(userId)));
  let hex = "";
  for (const byte of mac) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Whether `hash` is the `data-user-hash` of `userId` under `secretKey`. The comparison runs in
 * WebCrypto's `verify`, which compares MACs in constant time, so a timing side channel reveals
 * nothing about the expected hash. Only the exact format `computeUserHash` produces (64 lowercase
 * hex digits) can verify; anything else is `false`, never an exception.
 */
export async function verifyUserHash(userId: string, hash: string, secretKey: string): Promise<boolean> {
  requireText(userId, "userId", "the identifier passed as data-user-id");
  requireText(secretKey, "secretKey", "the widget's Secret Key from the Cavuer dashboard, Security section");
  // The format check looks only at the caller's input, so it leaks nothing about the secret.
  if (typeof hash !== "string" || !HASH_PATTERN.test(hash)) return false;
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = Number.parseInt(hash.slice(2 * i, 2 * i + 2), 16);
  const key = await hmacKey(secretKey, "verify");
  return globalThis.crypto.subtle.verify("HMAC", key, mac, encoder.encode(userId));
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `& < > " '` so that any text is safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

export interface WidgetScriptTagOptions {
  /** The widget's public token (`data-token`), from the channel's "Installation" section. */
  token: string;
  /** Your identifier for the signed-in user (`data-user-id`); requires `userHash`. */
  userId?: string | undefined;
  /** `computeUserHash(userId, secretKey)`, computed on your server (`data-user-hash`); requires `userId`. */
  userHash?: string | undefined;
  /** The embed script URL; defaults to {@link WIDGET_SCRIPT_SRC}. Must be http(s). */
  src?: string | undefined;
}

/**
 * The `<script>` tag that embeds the Cavuer widget, with every attribute HTML-escaped. Without
 * `userId`/`userHash` the visitor is anonymous (`v_…`); with both, identified. Throws when the
 * token is empty or only one of `userId` / `userHash` is given (a half-identified widget would
 * silently fall back to an anonymous visitor or refuse to send).
 */
export function widgetScriptTag(options: WidgetScriptTagOptions): string {
  const { token, userId, userHash, src = WIDGET_SCRIPT_SRC } = options;
  if (typeof token !== "string" || token.trim() === "") {
    throw new TypeError(
      "widgetScriptTag: token must be the widget's public token (wgt_…) from the Cavuer dashboard, Installation section; got " +
        describe(token),
    );
  }
  const hasId = userId !== undefined;
  const hasHash = userHash !== undefined;
  if (hasId !== hasHash) {
    throw new TypeError(
      hasId
        ? "widgetScriptTag: userId was given without userHash; pass userHash: await computeUserHash(userId, secretKey), or neither for an anonymous visitor"
        : "widgetScriptTag: userHash was given without userId; pass the userId it was computed from, or neither for an anonymous visitor",
    );
  }
  if (hasId) requireText(userId, "widgetScriptTag: userId", "the identifier passed as data-user-id");
  if (hasHash && !HASH_PATTERN.test(userHash)) {
    // Catches the usual slips (uppercase or base64 digests, a hash of the wrong algorithm) here
    // rather than as a widget that silently refuses to send.
    throw new TypeError(
      `widgetScriptTag: userHash must be 64 lowercase hex digits, as computeUserHash returns; got ${typeof userHash === "string" ? `${userHash.length} characters` : describe(userHash)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    throw new TypeError(`widgetScriptTag: src must be an absolute http(s) URL; got "${src}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`widgetScriptTag: src must be an http(s) URL; got the ${url.protocol} scheme`);
  }
  const attributes: [string, string][] = [
    ["src", src],
    ["data-token", token],
  ];
  if (hasId && hasHash) attributes.push(["data-user-id", userId], ["data-user-hash", userHash]);
  const rendered = attributes.map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join("");
  return `<script${rendered}></script>`;
}
