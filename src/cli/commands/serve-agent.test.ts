// serve-agent's refusals that come before anything listens, run in-process: the exit code and the
// one line on stderr a user sees.
import { afterEach, describe, expect, it, vi } from "vitest";
import { run, usage } from "./serve-agent.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Runs serve-agent with `args`; returns its exit code and what it wrote to stderr and stdout. */
async function serveAgentCommand(args: string[]) {
  const stderr: string[] = [];
  const stdout: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const code = await run(args);
  return { code, stderr: stderr.join(""), stdout: stdout.join("") };
}

const HINT = "Run `chat-agent-apis serve-agent --help` for usage.\n";

describe("serve-agent", () => {
  it("refuses a too-short token as a usage error naming the rule, never the token", async () => {
    vi.stubEnv("CAAC_AGENT_TOKEN", "");
    const result = await serveAgentCommand(["--token", "long-enough-token-1", "--token", "hunt2"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "serve-agent: --token / CAAC_AGENT_TOKEN: every token must be at least 12 characters (token 2 has 5): " +
        `shorter ones cannot be redacted from logs without garbling ordinary text.\n${HINT}`,
    });
  });

  it("refuses a token from CAAC_AGENT_TOKEN with whitespace in it the same way", async () => {
    vi.stubEnv("CAAC_AGENT_TOKEN", "long enough token with spaces");
    const result = await serveAgentCommand([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `serve-agent: --token / CAAC_AGENT_TOKEN: token 1 contains whitespace, which no \`Authorization: Bearer\` header can carry.\n${HINT}`,
    );
    expect(result.stderr).not.toContain("spaces");
  });

  it("names the flag and the path when the --knowledge file cannot be read", async () => {
    vi.stubEnv("CAAC_AGENT_TOKEN", "long-enough-token-1");
    const result = await serveAgentCommand(["--knowledge", "/nope.md", "--port", "0"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `serve-agent: --knowledge: cannot read /nope.md (no such file)\n${HINT}`,
    });
  });

  it("lists --slug in --help as an option of its own", () => {
    expect(usage).toMatch(/^ {2}--slug SLUG +\S/m);
  });
});
