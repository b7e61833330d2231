import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ChatAgentApiError,
  ConflictError,
  InternalServerError,
  makeAPIError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  ValidationError,
} from "./errors.js";

describe("APIError.from", () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
    [408, APIError],
  ])("maps status %i to its class", (status, ErrorClass) => {
    const error = APIError.from(status, undefined, undefined);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(ChatAgentApiError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
  });

  it("builds the message from Fifth Element's {data, error: {name, message}} envelope", () => {
    const body = {
      data: null,
      error: { name: "NotFoundError", message: "Agent with slug 'x' not found", details: {} },
    };
    const error = APIError.from(404, body, { "x-request-id": "req_1" });
    expect(error.message).toBe("404 NotFoundError: Agent with slug 'x' not found");
    expect(error.error).toEqual(body);
    expect(error.requestId).toBe("req_1");
  });

  it("builds the message from ChatAIBot's {ok: false, error: CODE} envelope", () => {
    const error = makeAPIError(400, { ok: false, error: "CONVERSATION_CREATION_ERROR" });
    expect(error.message).toBe("400 CONVERSATION_CREATION_ERROR");
  });

  it.each([
    [{ message: "Invalid channel" }, "422 Invalid channel"],
    [{ error: "bad_request" }, "422 bad_request"],
    [{ detail: "Field required" }, "422 Field required"],
    [{ detail: [{ loc: ["body"], msg: "x" }] }, '422 [{"loc":["body"],"msg":"x"}]'],
    ["upstream exploded", "422 upstream exploded"],
    [{ unexpected: true }, '422 {"unexpected":true}'],
    [undefined, "422 status code (no body)"],
    ["", "422 status code (no body)"],
  ])("builds the message from a generic body %j", (body, message) => {
    expect(APIError.from(422, body).message).toBe(message);
  });

  it("truncates very long bodies in the message", () => {
    expect(APIError.from(500, "x".repeat(5000)).message.length).toBeLessThan(600);
  });

  it("keeps no secret in message, String(error), stack, body or headers", () => {
    const secret = "sk-live-1234567890";
    const error = APIError.from(
      401,
      { message: `Invalid key ${secret}`, echo: { authorization: `Bearer ${secret}` } },
      { "set-cookie": `session=${secret}`, "x-request-id": "r" },
      { secrets: [secret] },
    );
    for (const text of [error.message, String(error), error.stack ?? "", JSON.stringify(error.error)]) {
      expect(text).not.toContain(secret);
    }
    expect(error.headers.get("set-cookie")).toBe("[redacted]");
    expect(error.message).toBe("401 Invalid key [redacted]");
  });
});

describe("connection errors", () => {
  it("keeps the cause and a timeout is a connection error", () => {
    const cause = new Error("ECONNRESET");
    const error = new APIConnectionError(undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("Connection error.");
    expect(new APIConnectionTimeoutError()).toBeInstanceOf(APIConnectionError);
    expect(new APIUserAbortError()).not.toBeInstanceOf(APIConnectionError);
    expect(String(new APIUserAbortError())).toBe("APIUserAbortError: Request was aborted.");
  });
});

describe("ValidationError", () => {
  it("names the field and the rule", () => {
    const error = new ValidationError("chatId", "required");
    expect(error.message).toBe("chatId: required");
    expect(error.field).toBe("chatId");
    expect(error.rule).toBe("required");
    expect(error).toBeInstanceOf(ChatAgentApiError);
  });
});
