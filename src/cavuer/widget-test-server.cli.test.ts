// The `chat-agent-apis widget-test-server` command as a user runs it: a real process, real
// exit codes, real signals.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "sk_cli_test_secret_value";

function start(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "widget-test-server", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: "1", CAVUER_SECRET_KEY: SECRET, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function runToExit(args: string[], env: Record<string, string | undefined> = {}) {
  const run = start(args, env);
  const code = await run.exited;
  return { code, ...run.output() };
}

async function waitForOutput(run: ReturnType<typeof start>, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = pattern.exec(run.output().stdout);
    if (match) return match;
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ${pattern} in the output:\n${JSON.stringify(run.output())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("chat-agent-apis widget-test-server", () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "widget-cli-"));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 2 with a clear message when the secret, the token or a valid users file is missing", async () => {
    const badJson = join(dir, "bad.json");
    await writeFile(badJson, "{ john: }");
    const [noSecret, noToken, secretFlag, badUsers, missingUsers, badPort, secretAsToken] = await Promise.all(
      [
        runToExit(["--token", "wgt_x"], { CAVUER_SECRET_KEY: undefined }),
        runToExit([]),
        runToExit(["--token", "wgt_x", `--secret-key=${SECRET}`]),
        runToExit(["--token", "wgt_x", "--users", badJson]),
        runToExit(["--token", "wgt_x", "--users", join(dir, "missing.json")]),
        runToExit(["--token", "wgt_x", "--port", "http"]),
        runToExit(["--token", SECRET]),
      ],
    );
    expect(noSecret).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("CAVUER_SECRET_KEY is not set"),
    });
    expect(noToken).toMatchObject({ code: 2, stderr: expect.stringContaining("--token is required") });
    expect(secretFlag).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--secret-key is not an option: the Secret Key is read only from"),
    });
    expect(secretFlag.stderr).not.toContain(SECRET);
    expect(badUsers).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--users file ${badJson} is not valid JSON`),
    });
    expect(missingUsers).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("cannot read --users file"),
    });
    expect(badPort).toMatchObject({ code: 2, stderr: expect.stringContaining("--port must be an integer") });
    expect(secretAsToken).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("token looks like the Secret Key"),
    });
    expect(secretAsToken.stderr).not.toContain(SECRET);
  });

  it("serves the pages, prints the URL and the allowed-domains hint, never the secret, and stops on SIGTERM or SIGINT", async () => {
    const users = join(dir, "users.json");
    await writeFile(users, JSON.stringify({ zoe: { id: "zoe@example.com", name: "Zoe" }, guest: null }));
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const run = start(["--token", "wgt_cli", "--port", "0", "--users", users]);
      children.push(run.child);
      const [, url] = await waitForOutput(run, /running: (http:\/\/127\.0\.0\.1:\d+)\n/);
      expect(run.output().stdout).toContain(`Add ${new URL(url ?? "").host} to the widget's allowed domains`);
      if (signal === "SIGTERM") {
        const busy = await runToExit(["--token", "wgt_cli", "--port", new URL(url ?? "").port]);
        expect(busy).toMatchObject({ code: 1, stderr: expect.stringContaining("is already in use") });
      }
      const page = await (await fetch(`${url}/chat/zoe`)).text();
      expect(page).toContain(`data-user-id="zoe@example.com"`);
      expect(page).toContain(`data-user-hash="`);
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      const { stdout, stderr } = run.output();
      expect(stdout).toContain(`stopped (${signal})`);
      expect(stdout + stderr).not.toContain(SECRET);
      expect(stdout + stderr).not.toContain("wgt_cli");
    }
  });
});
