// The serve-agent and verify-agent commands end to end: a real process serving, the checker
// pointed at it, a clean stop on SIGTERM. (Here rather than beside src/cli/commands/ because this
// folder owns the agent runtime the commands wrap.)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as serveCommand from "../cli/commands/serve-agent.js";
import * as verifyCommand from "../cli/commands/verify-agent.js";
import { seedBody, TOKEN } from "../test-support/caac-requests.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  vi.restoreAllMocks();
});

/** Starts `chat-agent-apis serve-agent …` and resolves with its URL once it prints it. */
async function startServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve-agent", "--port", "0", ...args],
    {
      env: { ...process.env, CAAC_AGENT_TOKEN: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve-agent did not start:\n${output}`)), 15_000);
    child.stdout?.on("data", () => {
      const match = /listening on (http:\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => reject(new Error(`serve-agent exited with ${code}:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

function captureStdout() {
  let text = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return () => text;
}

describe("chat-agent-apis serve-agent / verify-agent", () => {
  it("serves the knowledge agent, passes verify-agent, and stops cleanly on SIGTERM", async () => {
    const served = await startServe([], { CAAC_AGENT_TOKEN: `old-token-0001, ${TOKEN}` });
    const stdout = captureStdout();
    expect(await verifyCommand.run([served.url, "--token", TOKEN, "--seed", "3", "--deadline", "10"])).toBe(
      0,
    );
    expect(stdout()).toMatch(/14\/14 checks passed/);
    expect(stdout()).not.toContain(TOKEN);
    const json = captureStdout();
    expect(await verifyCommand.run([served.url, "--token", "old-token-0001", "--json"])).toBe(0);
    expect(JSON.parse(json())).toMatchObject({ ok: true, seed: 1 });
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
    expect(served.output()).toMatch(/SIGTERM received[\s\S]*stopped\./);
    expect(served.output()).not.toContain(TOKEN);
  }, 60_000);

  it("answers from a --knowledge file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "caac-agent-")), "faq.md");
    writeFileSync(file, "# FAQ\n## Where is the office?\nTaipei, Xinyi district.\n");
    const served = await startServe(["--token", TOKEN, "--knowledge", file]);
    const body = { ...seedBody, messages: [{ sender_type: "member", text: "Where is your office?" }] };
    const response = await fetch(served.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(await response.json()).toEqual({ reply_text: "Taipei, Xinyi district." });
    served.child.kill("SIGINT");
    expect(await served.exited).toBe(0);
  }, 30_000);

  it("writes the access log as JSON lines with --log-format json, never the token", async () => {
    const served = await startServe(["--token", TOKEN, "--log-format", "json"]);
    const response = await fetch(served.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}-wrong`, "content-type": "application/json" },
      body: JSON.stringify(seedBody),
    });
    expect(response.status).toBe(401);
    let line: string | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = served
        .output()
        .split("\n")
        .find((entry) => entry.includes("rejected the request"));
      if (!line) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(JSON.parse(line ?? "")).toMatchObject({
      level: "info",
      message: "caac-agent: rejected the request",
      status: 401,
      reason: "token",
    });
    expect(typeof JSON.parse(line ?? "").time).toBe("string");
    expect(served.output()).not.toContain(TOKEN);
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
  }, 30_000);

  it("exits non-zero, with the failing check, when verify-agent finds a defect", async () => {
    const served = await startServe(["--token", TOKEN]);
    const stdout = captureStdout();
    // With the wrong token every valid request is refused: the positive checks fail.
    expect(await verifyCommand.run([served.url, "--token", "not-the-token"])).toBe(1);
    expect(stdout()).toMatch(/✗ seed_accepted/);
  }, 30_000);

  it("explains missing or bad options with exit code 2", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.stubEnv("CAAC_AGENT_TOKEN", "");
    vi.stubEnv("FIFTHELEMENT_API_KEY", "");
    expect(await serveCommand.run([])).toBe(2);
    expect(await serveCommand.run(["--token", TOKEN, "--port", "70000"])).toBe(2);
    expect(await serveCommand.run(["--token", TOKEN, "--bridge", "other"])).toBe(2);
    expect(await serveCommand.run(["--token", TOKEN, "--bridge", "fifthelement"])).toBe(2);
    expect(await serveCommand.run(["--token", TOKEN, "--log-format", "xml"])).toBe(2);
    expect(await verifyCommand.run([])).toBe(2);
    expect(await verifyCommand.run(["ftp://x", "--token", TOKEN])).toBe(2);
    expect(await verifyCommand.run(["http://x", "--token", TOKEN, "--deadline", "0"])).toBe(2);
    vi.unstubAllEnvs();
  });
});
