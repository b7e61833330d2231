/**
 * Keeps API keys and tokens out of anything a person might read: logs, error
 * messages, `String(error)`, stacks and causes.
 */

/** Header names whose values are credentials and are never logged or kept on errors. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "apikey",
  "x-api-key",
  "x-cavuer-api-key",
  "cookie",
  "set-cookie",
]);

/**
 * The secrets in credential headers (every well-known one, plus `credentialNames`): each value as
 * `Headers` will send it (trimmed), and the bare token of `Bearer <token>` / `Basic <token>`.
 */
export function credentialValues(
  headers: Readonly<Record<string, string | null | undefined>>,
  credentialNames: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (typeof raw !== "string" || !(SECRET_HEADERS.has(lower) || credentialNames.has(lower))) continue;
    const value = raw.trim();
    if (value === "") continue;
    out.push(value);
    const token = /^(?:Bearer|Basic)\s+(.+)$/i.exec(value)?.[1];
    if (token) out.push(token);
  }
  return out;
}

const sentSecrets = new WeakMap<Response, readonly string[]>();

/** Records secrets that one call added (its own credential headers) on the response it got. */
export function recordCallSecrets(response: Response, secrets: readonly string[]): void {
  sentSecrets.set(response, secrets);
}

/** The secrets a call added to the client's, for errors built from its response (see `unwrap`). */
export function callSecretsOf(response: Response): readonly string[] {
  return sentSecrets.get(response) ?? [];
}

/** What a redacted value is replaced with. */
export const REDACTED = "[redacted]";

/** Secrets shorter than this are not scrubbed from text: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * What `new Headers()` accepts. Spelled out rather than the DOM lib's `HeadersInit`, so that the
 * published declarations type-check in a project without the DOM lib (Node types only).
 */
export type HeadersLike = Headers | Record<string, string> | [string, string][];

/**
 * A copy of `headers` as a plain object with every secret header's value replaced, and `secrets`
 * scrubbed from the other values (a server may echo a key back); safe to log.
 */
export function redactHeaders(
  headers: HeadersLike | undefined,
  secrets: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name) ? REDACTED : redactSecrets(value, secrets);
  });
  return out;
}

/** A copy of `headers` with every secret header's value and every secret replaced; safe to keep on an error. */
export function redactedHeaders(headers: HeadersLike | undefined, secrets: readonly string[] = []): Headers {
  return new Headers(redactHeaders(headers, secrets));
}

/** `text` with every occurrence of each secret (and any `Bearer <token>`) replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out.replace(/\b(Bearer|Basic)\s+(?!\[redacted\])[^\s"',;]+/gi, `$1 ${REDACTED}`);
}

/** Length of the shortest piece of a secret that {@link hasSecretFragment} looks for. */
const FRAGMENT_LENGTH = 8;

/**
 * Whether `text` holds any 8-character piece of a secret: for text a hostile server controls (a
 * redirect's host and path), which may carry part of a key where {@link redactSecrets} would only
 * catch all of it.
 */
export function hasSecretFragment(text: string, secrets: readonly string[] = []): boolean {
  for (const secret of secrets) {
    for (let start = 0; start + FRAGMENT_LENGTH <= secret.length; start++) {
      if (text.includes(secret.slice(start, start + FRAGMENT_LENGTH))) return true;
    }
  }
  return false;
}

/** A URL for logs: secrets scrubbed, credentials and the values of key-like query parameters removed. */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = REDACTED;
    if (parsed.password) parsed.password = REDACTED;
    for (const name of [...parsed.searchParams.keys()]) {
      if (/key|token|secret|sig|auth|password/i.test(name)) parsed.searchParams.set(name, REDACTED);
    }
    return redactSecrets(parsed.toString(), secrets);
  } catch {
    return redactSecrets(url, secrets);
  }
}

/** Deep copy of a parsed JSON value with secrets scrubbed from every string. */
export function redactDeep(value: unknown, secrets: readonly string[] = []): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_HEADERS.has(key.toLowerCase()) ? REDACTED : redactDeep(item, secrets);
    }
    return out;
  }
  return value;
}

/**
 * Scrubs secrets from an error, in place, and returns it: its message and stack, every other own
 * string property (enumerable or not: `util.inspect` with `showHidden` prints them), and the errors
 * it holds in `cause` and `errors` (AggregateError), recursively (errors thrown by `fetch` may
 * quote a URL or a header).
 */
export function scrubError<E>(error: E, secrets: readonly string[] = []): E {
  scrubErrorTree(error, secrets, new Set(), 0);
  return error;
}

function scrubErrorTree(value: unknown, secrets: readonly string[], seen: Set<object>, depth: number): void {
  if (value === null || typeof value !== "object" || seen.has(value) || depth > 8) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) scrubErrorTree(item, secrets, seen, depth + 1);
    return;
  }
  if (!(value instanceof Error)) return;
  for (const key of Reflect.ownKeys(value)) {
    let item: unknown;
    try {
      item = (value as unknown as Record<PropertyKey, unknown>)[key];
    } catch {
      continue;
    }
    if (typeof item === "string") {
      const scrubbed = redactSecrets(item, secrets);
      if (scrubbed === item) continue;
      try {
        Object.defineProperty(value, key, { value: scrubbed });
      } catch {
        // A frozen or non-configurable platform property: replaced below only if writable.
        try {
          (value as unknown as Record<PropertyKey, unknown>)[key] = scrubbed;
        } catch {}
      }
    } else {
      scrubErrorTree(item, secrets, seen, depth + 1);
    }
  }
}
