import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  computeUserHash,
  escapeHtml,
  verifyUserHash,
  WIDGET_SCRIPT_SRC,
  widgetScriptTag,
} from "./identity.js";

// The seed's Node snippet, verbatim in spirit: an independent implementation to compare against.
const seedNodeHash = (userId: string, secretKey: string) =>
  createHmac("sha256", secretKey).update(userId).digest("hex");

const SECRET = "sk_test_4f2c9a1e7b";
const XSS_ID = `"><img src=x onerror=alert(1)>`;

describe("computeUserHash", () => {
  it("matches the seed's Node snippet for the seed's example users and awkward ids", async () => {
    for (const userId of ["john@example.com", "anna@example.com", "Ünïcødé 用户 🙂", XSS_ID, " spaced "]) {
      expect(await computeUserHash(userId, SECRET)).toBe(seedNodeHash(userId, SECRET));
    }
  });

  it("matches fixed vectors computed once with Python's hmac module", async () => {
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"sk_test_literal_vector", b"john@example.com", hashlib.sha256).hexdigest())'
    expect(await computeUserHash("john@example.com", "sk_test_literal_vector")).toBe(
      "dda0251ff30728221b8c30ad242f03855bbbc4ae80e39fc45d0cf80215d7eae9",
    );
    // Non-ASCII on both sides is hashed as UTF-8, as Python's str.encode() and PHP strings do.
    expect(await computeUserHash("Ünïcødé 用户", "sk_test_literal_vector")).toBe(
      "c286d1c99c50b504fa9a020a61129c1da2df00328c33c749f64ae6d9220b173f",
    );
    // The well-known RFC-style example vector for HMAC-SHA256.
    expect(await computeUserHash("The quick brown fox jumps over the lazy dog", "key")).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  it("returns 64 lowercase hex digits", async () => {
    expect(await computeUserHash("anna@example.com", SECRET)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects an empty user id or secret key without echoing the secret", async () => {
    await expect(computeUserHash("", SECRET)).rejects.toThrow(/userId must be a non-empty string/);
    const error = await computeUserHash("john@example.com", "").catch((e: unknown) => e);
    expect(String(error)).toMatch(/secretKey must be a non-empty string.*Cavuer dashboard/);
    await expect(computeUserHash("john@example.com", undefined as unknown as string)).rejects.toThrow(
      /got undefined/,
    );
  });
});

describe("verifyUserHash", () => {
  it("accepts the hash of the same id under the same key", async () => {
    expect(await verifyUserHash("john@example.com", seedNodeHash("john@example.com", SECRET), SECRET)).toBe(
      true,
    );
    expect(await verifyUserHash(XSS_ID, await computeUserHash(XSS_ID, SECRET), SECRET)).toBe(true);
  });

  it("rejects another user's hash, another key's hash, and a hash differing in one digit", async () => {
    const hash = seedNodeHash("john@example.com", SECRET);
    expect(await verifyUserHash("anna@example.com", hash, SECRET)).toBe(false);
    expect(await verifyUserHash("john@example.com", seedNodeHash("john@example.com", "other"), SECRET)).toBe(
      false,
    );
    const flipped = hash.slice(0, -1) + (hash.endsWith("0") ? "1" : "0");
    expect(await verifyUserHash("john@example.com", flipped, SECRET)).toBe(false);
  });

  it("returns false, not an exception, for malformed hashes", async () => {
    const hash = seedNodeHash("john@example.com", SECRET);
    for (const bad of [
      "",
      "invalid",
      hash.toUpperCase(),
      `${hash}00`,
      hash.slice(2),
      `${hash.slice(0, -2)}zz`,
    ]) {
      expect(await verifyUserHash("john@example.com", bad, SECRET)).toBe(false);
    }
    expect(await verifyUserHash("john@example.com", undefined as unknown as string, SECRET)).toBe(false);
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters and nothing else", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
    expect(escapeHtml("john@example.com ü/=")).toBe("john@example.com ü/=");
    expect(escapeHtml(XSS_ID)).toBe("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("widgetScriptTag", () => {
  const hash = seedNodeHash("john@example.com", SECRET);

  it("renders the anonymous embed tag from the seed", () => {
    expect(widgetScriptTag({ token: "wgt_abc" })).toBe(
      `<script src="${WIDGET_SCRIPT_SRC}" data-token="wgt_abc"></script>`,
    );
  });

  it("renders the identified embed tag with user id and hash", () => {
    expect(widgetScriptTag({ token: "wgt_abc", userId: "john@example.com", userHash: hash })).toBe(
      `<script src="https://widget.cavuer.com/embed.js" data-token="wgt_abc" data-user-id="john@example.com" data-user-hash="${hash}"></script>`,
    );
  });

  it("escapes every attribute, so a hostile user id cannot break out of it", () => {
    const tag = widgetScriptTag({
      token: `wgt_"'<&>`,
      userId: XSS_ID,
      userHash: seedNodeHash(XSS_ID, SECRET),
      src: `https://cdn.example.com/embed.js?a=1&b="x"`,
    });
    expect(tag).toContain(`data-user-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"`);
    expect(tag).toContain(`data-token="wgt_&quot;&#39;&lt;&amp;&gt;"`);
    expect(tag).toContain(`src="https://cdn.example.com/embed.js?a=1&amp;b=&quot;x&quot;"`);
    // Exactly the quotes we wrote remain: 2 per attribute.
    expect(tag.match(/"/g)).toHaveLength(8);
    expect(tag).not.toMatch(/<img/);
  });

  it("throws a clear error for a missing token or half an identity", () => {
    expect(() => widgetScriptTag({ token: "" })).toThrow(/token must be the widget's public token/);
    expect(() => widgetScriptTag({ token: "  " })).toThrow(/token/);
    expect(() => widgetScriptTag({ token: "wgt_abc", userId: "john@example.com" })).toThrow(
      /userId was given without userHash/,
    );
    expect(() => widgetScriptTag({ token: "wgt_abc", userHash: hash })).toThrow(
      /userHash was given without userId/,
    );
    expect(() => widgetScriptTag({ token: "wgt_abc", userId: "", userHash: hash })).toThrow(/userId must be/);
  });

  it("rejects hashes that are not what computeUserHash returns", () => {
    for (const bad of [hash.toUpperCase(), "invalid", Buffer.from(hash, "hex").toString("base64")]) {
      expect(() => widgetScriptTag({ token: "wgt_abc", userId: "john@example.com", userHash: bad })).toThrow(
        /userHash must be 64 lowercase hex digits/,
      );
    }
  });

  it("accepts only http(s) script URLs", () => {
    expect(() => widgetScriptTag({ token: "wgt_abc", src: "javascript:alert(1)" })).toThrow(/http\(s\) URL/);
    expect(() => widgetScriptTag({ token: "wgt_abc", src: "/embed.js" })).toThrow(/absolute http\(s\) URL/);
    expect(widgetScriptTag({ token: "wgt_abc", src: "http://127.0.0.1:9/embed.js" })).toContain(
      `src="http://127.0.0.1:9/embed.js"`,
    );
  });
});
