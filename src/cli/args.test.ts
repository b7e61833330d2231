import { afterEach, describe, expect, it, vi } from "vitest";
import { EXIT, parseDuration, parseHost, parsePort, UsageError, withUsageErrors } from "./args.js";

describe("parseHost", () => {
  it("accepts IPv4, IPv6 (bracketed or not) and host names", () => {
    expect(parseHost("127.0.0.1")).toBe("127.0.0.1");
    expect(parseHost("0.0.0.0")).toBe("0.0.0.0");
    expect(parseHost("::1")).toBe("::1");
    expect(parseHost("[::1]")).toBe("::1");
    expect(parseHost("localhost")).toBe("localhost");
    expect(parseHost("agent.internal.example.com")).toBe("agent.internal.example.com");
  });

  it("refuses an empty host, which would bind every interface, naming the flag", () => {
    expect(() => parseHost("")).toThrow(UsageError);
    expect(() => parseHost("  ")).toThrow(/--host is empty; give an address such as 127.0.0.1/);
  });

  it("refuses shorthand for the wildcard address, so only an explicit 0.0.0.0 or :: exposes the server", () => {
    for (const shorthand of [
      "0",
      "0.0",
      "00",
      "0x0",
      "0.0.0",
      "0.0.0.0.",
      "::0",
      "[::0]",
      "0:0:0:0:0:0:0:0",
    ]) {
      expect(() => parseHost(shorthand), shorthand).toThrow(
        `--host ${JSON.stringify(shorthand)} means every interface; write 0.0.0.0 (or ::) to expose the server, or 127.0.0.1 for this machine only`,
      );
    }
    expect(parseHost("::")).toBe("::");
    expect(parseHost("[::]")).toBe("::");
    expect(parseHost("10.0.0.1")).toBe("10.0.0.1");
  });

  it("refuses what is neither an address nor a host name", () => {
    for (const bad of ["http://127.0.0.1", "127.0.0.1:8080", "a b", "-x", "host_name", "exa$mple.com"]) {
      expect(() => parseHost(bad), bad).toThrow(/--host must be an IP address or a host name/);
    }
  });
});

describe("parsePort", () => {
  it("accepts 0 to 65535", () => {
    expect(parsePort("0")).toBe(0);
    expect(parsePort("8787")).toBe(8787);
    expect(parsePort("65535")).toBe(65535);
  });

  it("refuses empty, signed, fractional, hex and out-of-range values, naming the flag", () => {
    for (const bad of [
      "",
      " ",
      " 0",
      "0 ",
      "\t80",
      "8787\n",
      "-1",
      "+1",
      "1.5",
      "0x50",
      "65536",
      "80 80",
      "1e3",
    ]) {
      expect(() => parsePort(bad, "--port cavuer"), bad).toThrow(
        /^--port cavuer must be an integer from 0 to 65535/,
      );
    }
  });
});

describe("parseDuration", () => {
  it("reads ms, s and m suffixes, and a bare number as seconds", () => {
    expect(parseDuration("500ms", "--deadline")).toBe(500);
    expect(parseDuration("45s", "--deadline")).toBe(45_000);
    expect(parseDuration("1.5m", "--deadline")).toBe(90_000);
    expect(parseDuration("45", "--deadline")).toBe(45_000);
    expect(parseDuration("0.3", "--deadline")).toBe(300);
  });

  it("refuses zero, negative, unitless garbage and unknown units", () => {
    for (const bad of ["", "0", "0s", "-1s", "abc", "5h", "5 seconds", "1e3"]) {
      expect(() => parseDuration(bad, "--deadline"), bad).toThrow(
        /^--deadline must be a positive duration such as 45s, 500ms or 1.5m \(a bare number means seconds\)/,
      );
    }
  });
});

describe("withUsageErrors", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("turns a usage error or a parseArgs error into one line, a hint and exit code 2", async () => {
    let written = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    expect(
      await withUsageErrors("mock", async () => {
        throw new UsageError("--port must be <api>=<n>");
      }),
    ).toBe(EXIT.usage);
    expect(written).toBe("mock: --port must be <api>=<n>\nRun `chat-agent-apis mock --help` for usage.\n");
    written = "";
    const { parseArgs } = await import("node:util");
    expect(
      await withUsageErrors("verify-agent", async () => {
        parseArgs({ args: ["--bogus"], strict: true, options: {} });
        return EXIT.ok;
      }),
    ).toBe(EXIT.usage);
    expect(written).toBe(
      "verify-agent: unknown option --bogus\nRun `chat-agent-apis verify-agent --help` for usage.\n",
    );
  });

  it("lets other errors through", async () => {
    await expect(
      withUsageErrors("mock", async () => {
        throw new Error("EACCES");
      }),
    ).rejects.toThrow("EACCES");
  });
});
