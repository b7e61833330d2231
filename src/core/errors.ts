/**
 * The error classes every client throws, shaped after openai-node: one base
 * class, an `APIError` per HTTP status family, and connection-level errors.
 */
import { type HeadersLike, redactDeep, redactedHeaders, redactSecrets } from "./redaction.js";

/** Base class of every error this package throws; `instanceof` it to catch them all. */
export class ChatAgentApiError extends Error {
  override name = "ChatAgentApiError";
}

/** Options for building an {@link APIError}. */
export interface APIErrorOptions {
  /** Secret strings to scrub from the message and the kept body. */
  secrets?: readonly string[] | undefined;
}

/** The server answered with a non-2xx status. */
export class APIError extends ChatAgentApiError {
  override name = "APIError";
  /** HTTP status of the response. */
  readonly status: number;
  /** Response headers, with credential headers such as `set-cookie` and any echoed secret redacted. */
  readonly headers: Headers;
  /** The parsed response body (JSON when it parses, else the text), secrets scrubbed. */
  readonly error: unknown;
  /** The `x-request-id` response header, to quote to the vendor's support. */
  readonly requestId: string | undefined;

  constructor(
    status: number,
    body: unknown,
    headers: HeadersLike | undefined,
    options: APIErrorOptions = {},
  ) {
    const secrets = options.secrets ?? [];
    // Redacted before anything is cut short, so no prefix of a secret survives a truncation.
    const redactedBody = redactDeep(body, secrets);
    super(redactSecrets(describeError(status, redactedBody), secrets));
    this.status = status;
    this.headers = redactedHeaders(headers, secrets);
    this.error = redactedBody;
    this.requestId = this.headers.get("x-request-id") ?? undefined;
  }

  /** The subclass matching `status` (`NotFoundError` for 404, …), with a message taken from the vendor's envelope. */
  static from(status: number, body: unknown, headers?: HeadersLike, options: APIErrorOptions = {}): APIError {
    const ErrorClass = errorClassFor(status);
    return new ErrorClass(status, body, headers, options);
  }
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

const STATUS_CLASSES: Readonly<Record<number, typeof APIError>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The `APIError` subclass for an HTTP status; plain `APIError` for statuses without one. */
export function errorClassFor(status: number): typeof APIError {
  return STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
}

/** Shorthand for {@link APIError.from}. */
export const makeAPIError = APIError.from;

/** The request never got a response: DNS, refused or reset connection, TLS, …; `cause` holds the platform error. */
export class APIConnectionError extends ChatAgentApiError {
  override name = "APIConnectionError";
  constructor(message = "Connection error.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No response headers arrived (or, on a stream, no chunk) within the timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
  constructor(message = "Request timed out.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The caller aborted the request through its `AbortSignal`. */
export class APIUserAbortError extends ChatAgentApiError {
  override name = "APIUserAbortError";
  constructor(message = "Request was aborted.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Why a redirect was not followed, or not accepted as the answer to the request. */
export type RedirectRefusal =
  /** The target is another origin (scheme, host or port) and the policy is `"error"` (the default). */
  | "cross-origin"
  /** More than `maxRedirects` redirects in a row. */
  | "too-many"
  /** A POST/PATCH was turned into a GET (301/302/303): the GET's answer is not the answer to the message. */
  | "method-changed"
  /** 307/308 asks to send the body again, but it was a one-time stream. */
  | "body-not-replayable"
  /** The `Location` is not an http(s) URL. */
  | "bad-location"
  /** The platform hides the redirect (a browser's `redirect: "manual"`), so it cannot be checked. */
  | "opaque";

/**
 * The server answered with a redirect the runtime would not follow, or would not take as the
 * answer. The original request reached its server, so a POST/PATCH may have been processed: it is
 * never re-sent automatically; check before sending it again.
 */
export class APIRedirectError extends ChatAgentApiError {
  override name = "APIRedirectError";
  /** The redirect status (301, 302, 303, 307, 308; 0 when the platform hides it). */
  readonly status: number;
  /** Why it was refused. */
  readonly reason: RedirectRefusal;
  /** Origin of the redirect target (`https://host:port`), when known; never a path or query. */
  readonly targetOrigin: string | undefined;
  constructor(
    message: string,
    details: { status: number; reason: RedirectRefusal; targetOrigin?: string | undefined },
  ) {
    super(message);
    this.status = details.status;
    this.reason = details.reason;
    this.targetOrigin = details.targetOrigin;
  }
}

/** A stream broke its vendor's event protocol (bad JSON, an unexpected shape, no end marker, not a stream). */
export class MalformedStreamError extends ChatAgentApiError {
  override name = "MalformedStreamError";
}

/** Input rejected before any request was sent; `field` and `rule` say what to fix. */
export class ValidationError extends ChatAgentApiError {
  override name = "ValidationError";
  /** The offending input, as a path (`limit`, `body.message`). */
  readonly field: string;
  /** The rule it broke (`required`, `integer between 1 and 1000`). */
  readonly rule: string;
  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** "404 NotFoundError: Agent with slug 'x' not found" from the vendor envelopes we know, else a generic line. */
function describeError(status: number, body: unknown): string {
  const detail = envelopeMessage(body);
  return detail ? `${status} ${detail}` : `${status} status code (no body)`;
}

function envelopeMessage(body: unknown): string | undefined {
  if (typeof body === "string") return truncate(body.trim()) || undefined;
  if (body === null || typeof body !== "object") return body === undefined ? undefined : String(body);
  const record = body as Record<string, unknown>;
  const error = record.error;
  // Fifth Element: {data: null, error: {name, message, details}}
  if (error !== null && typeof error === "object") {
    const { name, message } = error as Record<string, unknown>;
    const parts = [name, message].filter((part): part is string => typeof part === "string" && part !== "");
    if (parts.length > 0) return truncate(parts.join(": "));
  }
  // ChatAIBot: {ok: false, error: "CONVERSATION_CREATION_ERROR"}; also generic {error: "..."}
  if (typeof error === "string" && error !== "") return truncate(error);
  for (const key of ["message", "detail", "error_description", "msg"]) {
    const value = record[key];
    if (typeof value === "string" && value !== "") return truncate(value);
    if (value !== undefined && value !== null) return truncate(JSON.stringify(value));
  }
  return truncate(JSON.stringify(body));
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
