// The abuse suite for serveAgent, bounded in count and time: protocol probes against both paths,
// each server in its own process (so client and server do not share an event loop).
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedBody, TOKEN } from "../../test-support/caac-requests.js";
import type { Agent } from "../agent.js";
import { createAgentHandler, DEFAULT_FALLBACK } from "../handler.js";
import { type AgentServer, serveAgent } from "./serve.js";

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

const throwing = (what: string) => () => {
  throw new Error(what);
};
const hostileProxy = new Proxy({}, { get: throwing("proxy trap") });

/** Agents that misbehave in every way a reply can; each must end in the fallback, never a 500. */
const hostileAgents: [string, Agent][] = [
  ["throws", throwing("agent bug")],
  ["rejects", () => Promise.reject(new Error("agent failed"))],
  ["hangs forever", () => new Promise<string>(() => {})],
  [
    "rejects after the deadline",
    () => new Promise<string>((_, reject) => setTimeout(() => reject(new Error("late")), 150)),
  ],
  ["returns a number", () => 42 as never],
  [
    "returns a replyText getter that throws",
    () => ({
      get replyText(): string {
        throw new Error("getter");
      },
    }),
  ],
  [
    "returns a then getter that throws",
    () =>
      ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this case.
        get then() {
          throw new Error("then");
        },
      }) as never,
  ],
  ["returns a Proxy", () => hostileProxy as never],
  ["resolves to a Proxy", () => Promise.resolve(hostileProxy as never)],
  [
    "throws a Proxy",
    () => {
      throw hostileProxy;
    },
  ],
];

describe.each(["direct", "web"] as const)("hostile agents behind serveAgent's %s path", (path) => {
  const logs: string[] = [];
  let current: Agent = () => "ok";
  let server: AgentServer;
  beforeAll(async () => {
    const handler = createAgentHandler({
      token: TOKEN,
      deadlineMs: 100,
      agent: (conversation, context) => current(conversation, context),
      logger: { error: (message) => logs.push(message), warn: (message) => logs.push(message) },
    });
    server = await serveAgent(path === "web" ? (request) => handler(request) : handler, { port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(hostileAgents)("answers an agent that %s with the fallback", async (_name, agent) => {
    current = agent;
    logs.length = 0;
    const response = await fetch(server.url, { method: "POST", headers, body: JSON.stringify(seedBody) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply_text: DEFAULT_FALLBACK });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain("the handler failed");
  });
});
