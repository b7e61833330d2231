import { describe, expect, it } from "vitest";
import { HUMAN_HANDOVER, handover, isHandover } from "./handover.js";

describe("handover", () => {
  it("uses the marker from the spec", () => {
    expect(HUMAN_HANDOVER).toBe("<HUMAN_HANDOVER>");
  });

  it("appends the marker to the text, or sends a default text", () => {
    expect(handover("One moment.")).toBe("One moment. <HUMAN_HANDOVER>");
    expect(handover("")).toBe("<HUMAN_HANDOVER>");
    expect(handover()).toMatch(/<HUMAN_HANDOVER>$/);
  });

  it("recognises only the exact marker, in strings and { replyText }", () => {
    expect(isHandover(handover())).toBe(true);
    expect(isHandover({ replyText: "x <HUMAN_HANDOVER>" })).toBe(true);
    expect(isHandover("<HUMAN HANDOVER>")).toBe(false);
    expect(isHandover("<human_handover>")).toBe(false);
  });
});
