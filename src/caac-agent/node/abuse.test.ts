// The abuse suite for serveAgent, bounded in count and time: protocol probes against both paths,
// each server in its own process (so client and server do not share an event loop).
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedBody, TOKEN } from "../../test-support/caac-requests.js";

type Served = { child: ChildProcess; url: string };

async function startServer(path: "direct" | "web", maxBodyBytes: number): Promise<Served> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/test-support/caac-agent-server.ts", path, String(maxBodyBytes)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe.each(["direct", "web"] as const)("serveAgent's %s path, in its own process", (path) => {
  let served: Served;
  beforeAll(async () => {
    served = await startServer(path, 1024);
  }, 20_000);
  afterAll(() => {
    served?.child.kill("SIGKILL");
  });

  it("gets the 413 to undici's fetch sending a whole 8 MiB body, 10 of 10", async () => {
    const body = new Uint8Array(8 * 1024 * 1024).fill(0x20);
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < 10; i++) {
      outcomes.push(
        await fetch(served.url, { method: "POST", headers, body }).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
          (error: Error) => String((error.cause as { code?: string } | undefined)?.code ?? error),
        ),
      );
    }
    expect(outcomes).toEqual(Array(10).fill(413));
  }, 30_000);

  it("gets the 401 to undici's fetch sending a whole 8 MiB body with a wrong token, 10 of 10", async () => {
    const body = new Uint8Array(8 * 1024 * 1024).fill(0x20);
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < 10; i++) {
      outcomes.push(
        await fetch(served.url, {
          method: "POST",
          headers: { ...headers, authorization: "Bearer wrong-token-000000" },
          body,
        }).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
          (error: Error) => String((error.cause as { code?: string } | undefined)?.code ?? error),
        ),
      );
    }
    expect(outcomes).toEqual(Array(10).fill(401));
  }, 30_000);

  it("still answers a valid conversation after the rejections", async () => {
    const response = await fetch(served.url, { method: "POST", headers, body: JSON.stringify(seedBody) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply_text: "hi" });
  });
});
