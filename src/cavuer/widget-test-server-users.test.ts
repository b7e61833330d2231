import { describe, expect, it } from "vitest";
import { parseUsers } from "./widget-test-server-users.js";

describe("parseUsers", () => {
  it("accepts the seed's shape, defaulting a missing name to the id", () => {
    expect(
      parseUsers({ a: { id: "a@example.com", name: "A" }, b: { id: "b" }, g: null }, "users.json"),
    ).toEqual({
      a: { id: "a@example.com", name: "A" },
      b: { id: "b", name: "b" },
      g: null,
    });
  });

  it("names the file and the entry that is wrong", () => {
    expect(() => parseUsers([], "users.json")).toThrow(/users.json: expected an object/);
    expect(() => parseUsers({}, "users.json")).toThrow(/users.json: lists no users/);
    expect(() => parseUsers({ x: { name: "X" } }, "users.json")).toThrow(/users.json: "x" must be null/);
    expect(() => parseUsers({ x: { id: "" } }, "users.json")).toThrow(/"x" must be null/);
    expect(() => parseUsers({ x: "x@example.com" }, "users.json")).toThrow(/"x" must be null/);
    expect(() => parseUsers({ x: { id: "x", name: 1 } }, "users.json")).toThrow(/"x".name must be a string/);
  });
});
