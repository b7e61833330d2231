// A file whose beforeAll throws, so its test never runs: the reporter must count it as failed.
import { beforeAll, describe, it } from "vitest";

describe("a suite whose setup fails", () => {
  beforeAll(() => {
    throw new Error("the mock did not start");
  });
  it("never runs", () => {});
});
