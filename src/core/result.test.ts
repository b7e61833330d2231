import { describe, expect, it } from "vitest";
import { ConflictError, InternalServerError } from "./errors.js";
import { throwIfError, unwrap } from "./result.js";

describe("unwrap", () => {
  it("returns data for 2xx, including an empty 204", () => {
    expect(unwrap({ data: { a: 1 }, response: new Response(null, { status: 200 }) })).toEqual({ a: 1 });
    expect(unwrap({ data: undefined, response: new Response(null, { status: 204 }) })).toBeUndefined();
  });

  it("throws the status's class with the parsed body and redacts the given secrets", () => {
    const result = { error: { message: "dup sk-abcdef" }, response: new Response(null, { status: 409 }) };
    expect(() => throwIfError(result, { secrets: ["sk-abcdef"] })).toThrow(ConflictError);
    expect(() => unwrap(result, { secrets: ["sk-abcdef"] })).toThrow("409 dup [redacted]");
  });

  it("throws for non-2xx even without a parsed body", () => {
    expect(() => unwrap({ error: undefined, response: new Response(null, { status: 502 }) })).toThrow(
      InternalServerError,
    );
  });
});
