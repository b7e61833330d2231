/**
 * Redirects, followed by the runtime rather than the platform (`redirect: "manual"` under the hood),
 * because undici's fetch strips only `Authorization` on a cross-origin redirect: `apikey` and
 * `x-cavuer-api-key` would follow it to any host. Policy (docs/decisions/0007):
 *
 * - Same-origin redirects are followed, at most `maxRedirects` (default 5) in a row, with the Fetch
 *   standard's method rules: 303 turns any method but HEAD into a body-less GET, 301/302 turn a POST
 *   into a body-less GET, 307/308 keep the method and the body.
 * - A cross-origin redirect (another scheme, host or port than the request's) is refused with an
 *   `APIRedirectError` naming the target origin (`crossOriginRedirects: "error"`, the default), or,
 *   with `"follow-without-credentials"`, followed without any credential header: every header the
 *   client marks as one, every well-known credential header, and any header whose value carries a
 *   configured secret. Once dropped, credentials stay dropped for the rest of the chain.
 */
import { APIRedirectError } from "./errors.js";
import { hasSecretFragment, REDACTED, redactSecrets, SECRET_HEADERS } from "./redaction.js";

/** What to do with a redirect to another origin. */
export type CrossOriginRedirects = "error" | "follow-without-credentials";

/** Default cap on redirects followed in a row. */
export const DEFAULT_MAX_REDIRECTS = 5;

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Headers describing a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];

/** What the runtime knows about the redirects behind a final response. */
export interface RedirectTrace {
  /** Method of the original request. */
  readonly originalMethod: string;
  /** Method of the request that got the final response. */
  readonly finalMethod: string;
  /** Status of the last redirect followed. */
  readonly lastStatus: number;
  /** The final request's URL, for logs and errors (redacted). */
  readonly finalUrl: string;
}

const traces = new WeakMap<Response, RedirectTrace>();

/** The redirects that led to `response`, when the runtime followed any. */
export function redirectTraceOf(response: Response): RedirectTrace | undefined {
  return traces.get(response);
}

/** Records the redirects behind `response` (read back by {@link redirectTraceOf}). */
export function recordRedirectTrace(response: Response, trace: RedirectTrace): void {
  traces.set(response, trace);
}

/** Whether `response` asks to be followed elsewhere: a redirect status with a `Location`, or an opaque redirect. */
export function isRedirect(response: Response): boolean {
  if (response.type === "opaqueredirect") return true;
  return REDIRECT_STATUSES.has(response.status) && response.headers.has("location");
}

/** The settings {@link planRedirect} follows. */
export interface RedirectPolicy {
  maxRedirects: number;
  crossOrigin: CrossOriginRedirects;
  /** Header names the client marks as credentials (lower-case). */
  credentialHeaders: ReadonlySet<string>;
  /** Configured secret values: a header carrying one is a credential. */
  secrets: readonly string[];
}

/** Where and how to send the next request of a redirect chain. */
export interface RedirectStep {
  url: URL;
  method: string;
  headers: Headers;
  /** Whether the body is sent again (307/308 with a body). */
  keepBody: boolean;
  /** Whether credentials were dropped (a cross-origin hop with `"follow-without-credentials"`). */
  credentialsDropped: boolean;
}

/**
 * The next step after `response` answered `request` (the `followed`-th redirect so far), or an
 * `APIRedirectError` to throw. `originalOrigin` is the origin the credentials were configured for.
 */
export function planRedirect(
  request: Request,
  response: Response,
  followed: number,
  originalOrigin: string,
  policy: RedirectPolicy,
): RedirectStep | APIRedirectError {
  const status = response.status;
  if (response.type === "opaqueredirect") {
    return new APIRedirectError(
      `${request.method} ${describeUrl(request.url, policy)} was redirected, but this platform hides the target (fetch with redirect: "manual"), so it was not followed.`,
      { status, reason: "opaque" },
    );
  }
  let url: URL;
  try {
    url = new URL(response.headers.get("location") ?? "", request.url);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return new APIRedirectError(
      `${request.method} ${describeUrl(request.url, policy)} was answered ${status} with a Location that is not an http(s) URL; not followed.`,
      { status, reason: "bad-location" },
    );
  }
  // A hostile Location may put (part of) a key into the host name, so even the origin is scrubbed.
  const targetOrigin = hasSecretFragment(url.origin, policy.secrets) ? REDACTED : url.origin;
  const where = `${request.method} ${describeUrl(request.url, policy)} was answered ${status} → ${targetOrigin}`;
  if (followed >= policy.maxRedirects) {
    return new APIRedirectError(`${where}, beyond maxRedirects (${policy.maxRedirects}); not followed.`, {
      status,
      reason: "too-many",
      targetOrigin,
    });
  }
  const crossOrigin = url.origin !== originalOrigin;
  if (crossOrigin && policy.crossOrigin === "error") {
    return new APIRedirectError(
      `${where}, another origin than ${redactSecrets(originalOrigin, policy.secrets)}; not followed, so no credential left its origin ` +
        `(set crossOriginRedirects: "follow-without-credentials" to follow it without them).`,
      { status, reason: "cross-origin", targetOrigin },
    );
  }
  const toGet =
    (status === 303 && request.method !== "HEAD") ||
    ((status === 301 || status === 302) && request.method === "POST");
  const headers = new Headers(request.headers);
  if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
  const keepBody = !toGet && request.body !== null;
  if (crossOrigin) dropCredentials(headers, policy);
  return {
    url,
    method: toGet ? "GET" : request.method,
    headers,
    keepBody,
    credentialsDropped: crossOrigin,
  };
}

/** Removes every credential header from `headers`: marked, well-known, or carrying a secret. */
export function dropCredentials(
  headers: Headers,
  policy: Pick<RedirectPolicy, "credentialHeaders" | "secrets">,
) {
  for (const [name, value] of [...headers]) {
    if (
      SECRET_HEADERS.has(name) ||
      policy.credentialHeaders.has(name) ||
      policy.secrets.some((secret) => secret !== "" && value.includes(secret))
    ) {
      headers.delete(name);
    }
  }
}

/** Scheme, host, port and path of a URL, secrets scrubbed; never its query (which may carry keys). */
export function describeUrl(url: string, policy: Pick<RedirectPolicy, "secrets">): string {
  try {
    const parsed = new URL(url);
    // Decoded first, so a secret a hostile Location percent-encodes is still recognised.
    let path = parsed.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {}
    const origin = hasSecretFragment(parsed.origin, policy.secrets) ? REDACTED : parsed.origin;
    return `${origin}${hasSecretFragment(path, policy.secrets) ? `/${REDACTED}` : redactSecrets(path, policy.secrets)}`;
  } catch {
    return REDACTED;
  }
}
