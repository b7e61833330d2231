// A pass, a failure and a skip, for the reporter's end-to-end test (never part of the suite: the
// main vitest config includes only *.test.ts).
import { describe, expect, it } from "vitest";

describe("cavuer fixture", () => {
  it("passes", () => {
    expect(1).toBe(1);
  });
  it("fails", () => {
    expect(1).toBe(2);
  });
  it.skip("is skipped", () => {});
});
