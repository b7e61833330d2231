import { describe, expect, it } from "vitest";
import { malformedMarkers } from "./judge.js";

describe("malformedMarkers", () => {
  it("accepts text without a marker and the exact marker", () => {
    expect(malformedMarkers("Hello, how can I help?")).toEqual([]);
    expect(malformedMarkers("Let me get a colleague. <HUMAN_HANDOVER>")).toEqual([]);
  });

  it("finds misspelt, re-cased and unbalanced markers", () => {
    for (const bad of [
      "<HUMAN HANDOVER>",
      "<human_handover>",
      "<HUMAN_HANDOVER",
      "HUMAN_HANDOVER>",
      "[HUMAN_HANDOVER]",
      "</HUMAN_HANDOVER>",
      "<HUMAN-HAND-OVER>",
    ]) {
      expect(malformedMarkers(`ok ${bad} ok`), bad).not.toEqual([]);
    }
  });
});
