// Sending one probe and reading its answer under verify-agent's limits (a deadline for the whole
// exchange, a cap on the body, no redirect followed), the redaction of secrets from whatever comes
// back, and the small pool that keeps at most a few probes in flight.
import { readBodyBytes } from "../../core/body.js";
import type { CheckId } from "./checks.js";

/** One request verify-agent sends, and the check group that judges its answer. */
export type Probe = {
  group: CheckId;
  label: string;
  body: string;
  contentType?: string;
  auth: "valid" | "missing" | "wrong";
};

/**
 * A probe and what came back: a status, a content type and the body as text, or the error that
 * stopped it (no answer in time, a refused connection, a body over the cap, a redirect). `text`
 * and `error` are already redacted; `json` is parsed from the body as received and never printed.
 */
export type Exchange = Probe & {
  status?: number;
  responseType?: string;
  text?: string;
  json?: unknown;
  error?: string;
  ms: number;
};

/** Where and how to send the probes of a run. */
export type Target = {
  /** The fetch to send with (tests, proxies). */
  fetch: typeof fetch;
  url: string;
  token: string;
  /** A token the endpoint must refuse. */
  wrongToken: string;
  /** Extra headers sent with every probe (`--header`). */
  headers: Readonly<Record<string, string>>;
  /** Each exchange's limit, the body included. */
  deadlineSeconds: number;
  /** Bodies larger than this fail the exchange; reading stops there. */
  maxResponseBytes: number;
};

/** What replaces a secret in anything verify-agent prints. */
export const REDACTED_TOKEN = "[token]";

// The characters of a bearer token (RFC 6750's b64token, less the trailing `=` that is also the
// usual key=value delimiter): a short secret is replaced only where it stands alone, so it does
// not garble the text around it ("got 4[token]1").
const TOKEN_CHAR = "[A-Za-z0-9\\-._~+/]";

/**
 * From this length a secret is replaced wherever it occurs, even inside a longer run of token
 * characters: such a string does not occur by chance, and a hostile server could otherwise
 * smuggle the token out by gluing a letter to each end.
 */
export const EMBEDDED_SECRET_MIN_LENGTH = 12;

/**
 * `text` with each secret replaced by {@link REDACTED_TOKEN}: every occurrence of a secret of at
 * least {@link EMBEDDED_SECRET_MIN_LENGTH} characters, and every whole occurrence of a shorter one.
 */
export function redactTokens(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === "") continue;
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern =
      secret.length >= EMBEDDED_SECRET_MIN_LENGTH ? escaped : `(?<!${TOKEN_CHAR})${escaped}(?!${TOKEN_CHAR})`;
    out = out.replace(new RegExp(pattern, "g"), REDACTED_TOKEN);
  }
  return out;
}

/** A bytes cap for people: `1 MiB`, `64 KiB`, `512 bytes`. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

class BodyTooLarge extends Error {}

// ignoreBOM keeps a leading BOM in the text, as the body was sent, for the checks to judge.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The body as text, reading no more than `cap` bytes (the rest is never pulled off the socket). */
async function readCapped(response: Response, cap: number): Promise<string> {
  // Past the cap the reader is cancelled, which closes the connection: an endpoint that streams
  // forever stops there.
  const bytes = await readBodyBytes(response, cap);
  if (bytes === undefined) throw new BodyTooLarge();
  return decoder.decode(bytes);
}

/** Sends `probe` to `target` and times the answer; never throws (a failure is the exchange's `error`). */
export async function send(probe: Probe, target: Target, secrets: readonly string[]): Promise<Exchange> {
  const headers: Record<string, string> = {
    ...target.headers,
    "content-type": probe.contentType ?? "application/json",
  };
  if (probe.auth !== "missing")
    headers.authorization = `Bearer ${probe.auth === "valid" ? target.token : target.wrongToken}`;
  const started = performance.now();
  const signal = AbortSignal.timeout(target.deadlineSeconds * 1000);
  const redact = (text: string) => redactTokens(text, secrets);
  let status: number | undefined;
  try {
    // CAAC posts to the configured URL: an answer elsewhere is not the endpoint's answer, and
    // following it would send the token to whoever the Location names.
    const response = await target.fetch(target.url, {
      method: "POST",
      headers,
      body: probe.body,
      signal,
      redirect: "manual",
    });
    status = response.status;
    const exchange: Exchange = { ...probe, status, ms: 0 };
    const type = response.headers.get("content-type");
    if (type !== null) exchange.responseType = redact(type);
    if (status >= 300 && status < 400) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get("location");
      exchange.error = redact(
        `answered ${status} redirecting to ${location === null ? "(no Location)" : JSON.stringify(location)}; ` +
          "not followed (CAAC posts to the configured URL, and the token must not travel elsewhere): configure the final URL",
      );
      exchange.ms = performance.now() - started;
      return exchange;
    }
    const text = await readCapped(response, target.maxResponseBytes);
    exchange.ms = performance.now() - started;
    exchange.text = redact(text);
    try {
      exchange.json = JSON.parse(text);
    } catch {
      // Not JSON: the checks that need JSON say so.
    }
    return exchange;
  } catch (error) {
    const ms = performance.now() - started;
    const exchange: Exchange = { ...probe, ms };
    if (status !== undefined) exchange.status = status;
    if (error instanceof BodyTooLarge) {
      exchange.error = `answered ${status} with a body over the ${describeBytes(target.maxResponseBytes)} cap; reading stopped there`;
    } else if (signal.aborted) {
      exchange.error =
        status === undefined
          ? `no answer within ${target.deadlineSeconds} s`
          : `no answer within ${target.deadlineSeconds} s (status ${status} came, the body did not finish)`;
    } else {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      exchange.error = redact(`request failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    return exchange;
  }
}

/** Runs `work` over `items` with at most `size` in flight, keeping the results in order. */
export async function pool<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
