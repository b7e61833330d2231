import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { requireIntegerInRange, requireString, requireValue } from "./validation.js";

describe("validation", () => {
  it("requires a non-empty string and says which rule failed", () => {
    expect(requireString("chatId", "c1")).toBe("c1");
    expect(() => requireString("chatId", undefined)).toThrow("chatId: required");
    expect(() => requireString("message", "   ")).toThrow("message: must not be empty");
    expect(() => requireString("message", 42)).toThrow("message: must be a string, got number");
  });

  it("requires a value to be present", () => {
    expect(requireValue("participantId", 0)).toBe(0);
    expect(() => requireValue("participantId", null)).toThrow(ValidationError);
  });

  it("checks integer ranges", () => {
    expect(requireIntegerInRange("n", 3, 1, 5)).toBe(3);
    expect(() => requireIntegerInRange("n", 6, 1, 5)).toThrow("n: must be an integer between 1 and 5, got 6");
  });
});
