// The `chat-agent-apis` command as a user runs it: real processes, real exit codes. Only cases
// that stop before anything listens, so each run is short.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const VERSION = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")).version as string;

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_NO_WARNINGS: "1", CAAC_AGENT_TOKEN: "", ...env },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

const HINT = (command: string) => `Run \`chat-agent-apis ${command} --help\` for usage.\n`;

describe("chat-agent-apis", () => {
  it("prints its version with --version", async () => {
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `chat-agent-apis ${VERSION}\n`, stderr: "" });
  });

  it("answers a usage error with one line and a hint, exit code 2, not the whole help", async () => {
    const [none, unknown, option, missingUrl, badHeader] = await Promise.all([
      cli([]),
      cli(["serve"]),
      cli(["verify-agent", "http://127.0.0.1:9/", "--tokn", "x"]),
      cli(["verify-agent"], { CAAC_AGENT_TOKEN: "t" }),
      cli(["verify-agent", "http://127.0.0.1:9/", "--header", "x-key=s3cret"], { CAAC_AGENT_TOKEN: "t" }),
    ]);
    expect(none).toMatchObject({ code: 2, stdout: "" });
    expect(none.stderr).toBe(
      "chat-agent-apis: give a command (mock, serve-agent, verify-agent, widget-test-server)\nRun `chat-agent-apis --help` for usage.\n",
    );
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr.split("\n")).toHaveLength(3);
    expect(option).toEqual({
      code: 2,
      stdout: "",
      stderr: `verify-agent: unknown option --tokn\n${HINT("verify-agent")}`,
    });
    expect(badHeader.stderr).toBe(
      `verify-agent: --header must look like "Name: value" (no colon)\n${HINT("verify-agent")}`,
    );
    expect(badHeader.stderr).not.toContain("s3cret");
    expect(missingUrl.stderr).toBe(
      `verify-agent: give exactly one URL, the endpoint configured in CAAC\n${HINT("verify-agent")}`,
    );
  }, 60_000);

  it("refuses a URL with credentials or another scheme as a usage error that never echoes it", async () => {
    const env = { CAAC_AGENT_TOKEN: "supersecret-token-ABC123" };
    const [credentials, scheme] = await Promise.all([
      cli(["verify-agent", "http://admin:hunter2-password@127.0.0.1:9/"], env),
      cli(["verify-agent", "ftp://admin:hunter2-password@127.0.0.1:9/"], env),
    ]);
    expect(credentials).toEqual({
      code: 2,
      stdout: "",
      stderr: `verify-agent: url must not include credentials (user:password@); send a gateway's credentials with --header instead\n${HINT("verify-agent")}`,
    });
    expect(scheme).toEqual({
      code: 2,
      stdout: "",
      stderr: `verify-agent: url must be an absolute http:// or https:// URL\n${HINT("verify-agent")}`,
    });
  }, 60_000);

  it("refuses an empty or invalid --host or --port in every command that listens", async () => {
    const env = { CAAC_AGENT_TOKEN: "test-token-abcdef", CAVUER_SECRET_KEY: "sk_main_test" };
    const runs = await Promise.all([
      cli(["mock", "--host", ""], env),
      cli(["mock", "cavuer", "--port", "cavuer="], env),
      cli(["mock", "cavuer", "--port", "caac=4012"], env),
      cli(["serve-agent", "--host", ""], env),
      cli(["serve-agent", "--port", ""], env),
      cli(["serve-agent", "--host", "0"], env),
      cli(["serve-agent", "--port", " 0"], env),
      cli(["widget-test-server", "--token", "wgt_x", "--host", "0.0"], env),
      cli(["widget-test-server", "--token", "wgt_x", "--host", ""], env),
      cli(["widget-test-server", "--token", "wgt_x", "--port=-1"], env),
      cli(["widget-test-server", "--token", "wgt_x", "--port", "-1"], env),
    ]);
    const lines = runs.map((run) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n"), run.stderr).toHaveLength(3);
      return run.stderr.split("\n")[0];
    });
    expect(lines).toEqual([
      "mock: --host is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)",
      'mock: --port cavuer must be an integer from 0 to 65535 (0 picks a free port), got ""',
      "mock: --port caac=4012: caac is not being started (starting cavuer)",
      "serve-agent: --host is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)",
      'serve-agent: --port must be an integer from 0 to 65535 (0 picks a free port), got ""',
      'serve-agent: --host "0" means every interface; write 0.0.0.0 (or ::) to expose the server, or 127.0.0.1 for this machine only',
      'serve-agent: --port must be an integer from 0 to 65535 (0 picks a free port), got " 0"',
      'widget-test-server: --host "0.0" means every interface; write 0.0.0.0 (or ::) to expose the server, or 127.0.0.1 for this machine only',
      "widget-test-server: --host is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)",
      'widget-test-server: --port must be an integer from 0 to 65535 (0 picks a free port), got "-1"',
      "widget-test-server: --port needs a value; write a value that starts with a dash as --port=-…",
    ]);
  }, 60_000);

  it("documents the exit codes in every --help", async () => {
    const helps = await Promise.all(
      [[], ["mock"], ["serve-agent"], ["verify-agent"], ["widget-test-server"]].map((command) =>
        cli([...command, "--help"]),
      ),
    );
    for (const help of helps) {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("exit codes:\n  0  success\n  1  failure");
      expect(help.stdout).toContain("2  usage error");
    }
  }, 60_000);

  it("takes every duration with a unit, a bare number meaning seconds, and warns on --deadline-ms", async () => {
    const [bad, both] = await Promise.all([
      cli(["verify-agent", "http://127.0.0.1:9/", "--deadline", "45x"], { CAAC_AGENT_TOKEN: "t" }),
      cli(["serve-agent", "--deadline", "40s", "--deadline-ms", "40000"], {
        CAAC_AGENT_TOKEN: "test-token-abcdef",
      }),
    ]);
    expect(bad.stderr.split("\n")[0]).toBe(
      'verify-agent: --deadline must be a positive duration such as 45s, 500ms or 1.5m (a bare number means seconds), got "45x"',
    );
    expect(both.stderr.split("\n")[0]).toBe(
      "serve-agent: give --deadline or the deprecated --deadline-ms, not both",
    );
  }, 60_000);

  it("writes JUnit XML with --junit, even when checks fail", async () => {
    const dir = await mkdtemp(join(tmpdir(), "verify-junit-"));
    try {
      const file = join(dir, "verify.xml");
      const run = await cli(["verify-agent", "http://127.0.0.1:9/", "--deadline", "2s", "--junit", file], {
        CAAC_AGENT_TOKEN: "t",
      });
      expect(run.code).toBe(1);
      const xml = await readFile(file, "utf8");
      expect(xml).toMatch(/<testsuites name="verify-agent" tests="14" failures="\d+">/);
      expect(xml).toContain('<testcase classname="verify-agent" name="seed_accepted"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
