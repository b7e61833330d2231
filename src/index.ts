/** `chat-agent-apis`: the error classes and the option types shared by every vendor client. */
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIRedirectError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ChatAgentApiError,
  ConflictError,
  InternalServerError,
  MalformedStreamError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RedirectRefusal,
  UnprocessableEntityError,
  ValidationError,
} from "./core/errors.js";
export type { ClientOptions, FetchLike, Logger, RequestOptions } from "./core/options.js";
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./core/options.js";
export type { Page } from "./core/pagination.js";
export { type CrossOriginRedirects, DEFAULT_MAX_REDIRECTS } from "./core/redirects.js";
export type { SSEEvent } from "./core/sse.js";
