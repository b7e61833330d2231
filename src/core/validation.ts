/** Checks of helper input that throw `ValidationError` before any request is sent. */
import { ValidationError } from "./errors.js";

/** Asserts `value` is a string with at least one non-space character; returns it. */
export function requireString(field: string, value: unknown): string {
  if (value === undefined || value === null) throw new ValidationError(field, "required");
  if (typeof value !== "string") throw new ValidationError(field, `must be a string, got ${typeof value}`);
  if (value.trim() === "") throw new ValidationError(field, "must not be empty");
  return value;
}

/** The whitespace `Headers` trims from both ends of a value (HTTP's tab, space, CR and LF). */
const HTTP_WHITESPACE_AT_ENDS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * An API key or token as it will be sent, normalised once: trimmed of the whitespace a key file or
 * a CRLF `.env` leaves (as `Headers` would trim it), so the value sent is the value redacted. One
 * that cannot be a header value, or holds anything but visible ASCII (keys are tokens; a Latin-1
 * byte would reach the server, and come back in an echo, differently from how it is redacted), is a
 * `ValidationError` naming `field`; the message never quotes the value.
 */
export function requireSecret(field: string, value: unknown): string {
  if (value === undefined || value === null) throw new ValidationError(field, "required");
  if (typeof value !== "string") throw new ValidationError(field, `must be a string, got ${typeof value}`);
  const secret = value.replace(HTTP_WHITESPACE_AT_ENDS, "");
  if (secret === "") throw new ValidationError(field, "must not be empty");
  if (!VISIBLE_ASCII.test(secret)) {
    throw new ValidationError(
      field,
      "must be visible ASCII characters only (no CR, LF, NUL, inner space or non-ASCII), as it is sent in a header",
    );
  }
  return secret;
}

/**
 * Asserts `value` is an absolute http(s) URL without user-info; returns it. The platform's
 * `TypeError` for a URL with `user:password@` quotes the password, so it never gets that far.
 */
export function requireBaseUrl(field: string, value: unknown): string {
  const text = requireString(field, value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(field, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ValidationError(field, "must be an absolute http(s) URL");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ValidationError(field, "must not contain user-info (user:password@); pass the key as apiKey");
  }
  return text;
}

/** Asserts `value` is present (not `undefined` or `null`); returns it. */
export function requireValue<T>(field: string, value: T | null | undefined): T {
  if (value === undefined || value === null) throw new ValidationError(field, "required");
  return value;
}

/** Asserts `value` is an integer in `[min, max]`; returns it. */
export function requireIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be an integer between ${min} and ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
