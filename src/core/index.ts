/** Everything vendor clients build on; users import the public subset from the package root. */
export * from "./errors.js";
export * from "./options.js";
export * from "./pagination.js";
export * from "./redaction.js";
export * from "./redirects.js";
export * from "./retry.js";
export * from "./runtime-fetch.js";
export * from "./sse.js";
export * from "./timeout.js";
export * from "./typed-client.js";
export * from "./validation.js";
