// How startMocks names a mock that fails before Prism starts: only a port that is taken or not
// allowed is a port problem; any other failure (a missing file, say) says what failed.
import { describe, expect, it, vi } from "vitest";

const failure = vi.hoisted(() => ({ error: new Error("unset") as NodeJS.ErrnoException }));
vi.mock("./mock-front.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./mock-front.js")>()),
  startMockFront: async () => {
    throw failure.error;
  },
}));

const { PortInUseError, startMocks } = await import("./index.js");

const fail = (message: string, code: string) => {
  failure.error = Object.assign(new Error(message), { code });
  return startMocks({ apis: ["cavuer"], ports: { cavuer: 4999 } }).then(
    () => undefined,
    (error: Error) => error,
  );
};

describe("startMocks when a mock cannot start", () => {
  it("EADDRINUSE is a PortInUseError naming the API, host and port", async () => {
    const error = await fail("listen EADDRINUSE: address already in use 127.0.0.1:4999", "EADDRINUSE");
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error?.message).toBe(
      "cavuer: port 4999 on 127.0.0.1 is already in use; choose another port (0 picks a free one)",
    );
  });

  it("EACCES says the port cannot be bound, and why", async () => {
    const error = await fail("listen EACCES: permission denied 127.0.0.1:80", "EACCES");
    expect(error?.message).toBe(
      "cavuer: port 4999 on 127.0.0.1 cannot be bound: listen EACCES: permission denied 127.0.0.1:80",
    );
  });

  it("any other failure is not called a port problem: the message says what failed", async () => {
    const error = await fail("ENOENT: no such file or directory, open '/x/cavuer.bundle.json'", "ENOENT");
    expect(error).not.toBeInstanceOf(PortInUseError);
    expect(error?.message).toBe(
      "cavuer: the mock cannot start: ENOENT: no such file or directory, open '/x/cavuer.bundle.json'",
    );
    expect(error?.message).not.toMatch(/port|bound/);
  });
});
