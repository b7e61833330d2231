/** Turns openapi-fetch's `{ data, error, response }` into data, or a typed `APIError`. */
import { APIError, type APIErrorOptions } from "./errors.js";

/** The shape of every openapi-fetch result. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The `data` of a 2xx result; otherwise throws the `APIError` subclass for the
 * status (`NotFoundError`, `RateLimitError`, …) with the parsed body and the
 * vendor's message. Pass the client's `secrets` so none reach the message.
 */
export function unwrap<T>(result: FetchResult<T>, options: APIErrorOptions = {}): T {
  const { response } = result;
  if (!response.ok) throw APIError.from(response.status, result.error, response.headers, options);
  return result.data as T;
}

/** Alias of {@link unwrap}, for call sites that read better as a guard. */
export const throwIfError = unwrap;
