import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Mocks, PortInUseError, startMocks } from "./index.js";
import { PRISM_HOST_ENV, startPrismHost } from "./prism.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// This file tests the mocks' own process lifecycle: each start here runs its own Prism host, not
// the test run's shared one (test/support/prism-host-setup.ts), except where a test says otherwise.
delete process.env[PRISM_HOST_ENV];
const ownEnv = (): NodeJS.ProcessEnv => ({ ...process.env, NODE_NO_WARNINGS: "1" });

/** Resolves once `pid` has exited; rejects after `ms`. */
async function waitUntilGone(pid: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} is still running after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `ps` lines of `parent`'s children (ps exits 1 when there is none). */
const childrenOf = (parent: number): string => {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(parent)], { encoding: "utf8" });
  } catch (error) {
    if ((error as { status?: number }).status === 1) return "";
    throw error;
  }
};

/** The pids of `parent`'s children that are Prism hosts. */
const prismHosts = (parent: number) =>
  childrenOf(parent)
    .split("\n")
    .filter((line) => line.includes("prism-host.cjs"))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

/** Resolves once nothing listens at `url` any more; rejects after `ms`. */
async function waitUntilClosed(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
    } catch {
      return;
    }
    if (Date.now() > until) throw new Error(`${url} still answers after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts a Node process and resolves with the first match of `pattern` in its stdout. */
async function startAndWaitFor(
  args: string[],
  pattern: RegExp,
  children: ChildProcess[],
  env: NodeJS.ProcessEnv = ownEnv(),
) {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 40 s:\n${output}`)), 40_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = pattern.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${output}`)));
  });
  return { child, match, output: () => output };
}

const alive = (pid: number | undefined) => {
  try {
    process.kill(pid ?? -1, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startMocks", () => {
  let mocks: Mocks | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await mocks?.stop();
    blocker?.close();
    mocks = undefined;
  });

  it("serves each spec on its own port from one Prism host, answers with examples, and stop() leaves no process", async () => {
    mocks = await startMocks({ apis: ["chataibot", "cavuer"], ports: { chataibot: 0, cavuer: 0 } });
    expect(Object.keys(mocks.urls).sort()).toEqual(["cavuer", "chataibot"]);
    const response = await fetch(`${mocks.urls.chataibot}/conversation/c1/messages`, {
      method: "POST",
      headers: { authorization: "Bearer test", "content-type": "application/json" },
      body: JSON.stringify({ message: { data: { body: "Hi" }, type: "text" }, user: { type: "VISITOR" } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("sl-violations")).toBeNull();
    expect(await response.json()).toMatchObject({ ok: true });

    // Both mocks' Prism servers run in one host process, a child of this one.
    const hosts = prismHosts(process.pid);
    expect(hosts).toHaveLength(1);
    await mocks.stop();
    expect(hosts.filter(alive)).toEqual([]);
  }, 60_000);

  it("starts a new Prism host after its host was killed, and stop() of the lost mock still resolves", async () => {
    const lost = await startMocks({ apis: ["cavuer"], ports: { cavuer: 0 } });
    const [host] = prismHosts(process.pid);
    expect(host).toBeDefined();
    process.kill(host ?? -1, "SIGKILL");
    await waitUntilGone(host ?? -1, 15_000);
    mocks = await startMocks({ apis: ["cavuer"], ports: { cavuer: 0 } });
    const response = await fetch(`${mocks.urls.cavuer}/custom/demo-channel/send`, {
      method: "POST",
      headers: { "x-cavuer-api-key": "test", "content-type": "application/json" },
      body: JSON.stringify({
        chatId: "chat-1",
        content: { text: "Hi" },
        chatType: "user",
        chatName: "Support",
      }),
    });
    expect(response.status).toBe(200);
    await lost.stop();
  }, 60_000);

  it("fails with one line naming the API and the port when the port is taken", async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker?.listen(0, "127.0.0.1", () => {
        const address = blocker?.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      }),
    );
    const error = await startMocks({ apis: ["cavuer"], ports: { cavuer: port } }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `cavuer: port ${port} on 127.0.0.1 is already in use; choose another port (0 picks a free one)`,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as PortInUseError).code).toBe("EADDRINUSE");
    expect(prismHosts(process.pid)).toEqual([]);
  }, 60_000);

  it("names CHAT_AGENT_APIS_PRISM_HOST when it is not a control URL or its host does not answer", async () => {
    try {
      for (const value of ["garbage", "http://127.0.0.1:9/#token", "http://127.0.0.1:9/"]) {
        process.env[PRISM_HOST_ENV] = value;
        await expect(startMocks({ apis: ["cavuer"] }), value).rejects.toThrow(PRISM_HOST_ENV);
      }
    } finally {
      delete process.env[PRISM_HOST_ENV];
    }
  });

  it("rejects unknown APIs, ports for APIs not started and an empty host before starting anything", async () => {
    await expect(startMocks({ apis: ["nope" as "cavuer"] })).rejects.toThrow(/unknown API "nope"/);
    await expect(startMocks({ apis: ["cavuer"], ports: { caac: 0 } })).rejects.toThrow(
      "ports.caac: caac is not among the APIs being started (cavuer)",
    );
    await expect(startMocks({ apis: ["cavuer"], host: "" })).rejects.toThrow(/host is empty/);
  });
});

describe("mocks die with their parent", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("stops the Prism of a startMocks() script killed with SIGKILL", async () => {
    const script = `import("./src/mock/index.ts").then(async ({ startMocks }) => {
      const mocks = await startMocks({ apis: ["chataibot"], ports: { chataibot: 0 } });
      console.log("url " + mocks.urls.chataibot);
    });`;
    const { child, match } = await startAndWaitFor(["-e", script], /url (http:\S+)/, children);
    const url = match[1] ?? "";
    expect((await fetch(url)).status).toBeGreaterThan(0);
    const hosts = prismHosts(child.pid ?? -1);
    expect(hosts).toHaveLength(1);
    child.kill("SIGKILL");
    await waitUntilClosed(url, 15_000);
    await waitUntilGone(hosts[0] ?? -1, 15_000);
  }, 60_000);

  it("stops the Prism servers a killed process started in a shared host, and keeps the host for others", async () => {
    const host = await startPrismHost();
    try {
      const script = `import("./src/mock/index.ts").then(async ({ startProxy }) => {
        const proxy = await startProxy({ api: "cavuer", upstream: "http://127.0.0.1:9" });
        console.log("url " + proxy.url);
      });`;
      const env = { ...ownEnv(), [PRISM_HOST_ENV]: host.control };
      const { child, match } = await startAndWaitFor(["-e", script], /url (http:\S+)/, children, env);
      const url = match[1] ?? "";
      expect((await fetch(url)).status).toBeGreaterThan(0);
      // The killed process ran no host of its own: its server is in ours.
      expect(prismHosts(child.pid ?? -1)).toEqual([]);
      child.kill("SIGKILL");
      await waitUntilClosed(url, 15_000);
      // The host itself lives on and takes the next process's servers.
      const next = await startAndWaitFor(["-e", script], /url (http:\S+)/, children, env);
      expect((await fetch(next.match[1] ?? "")).status).toBeGreaterThan(0);
    } finally {
      await host.stop();
    }
  }, 60_000);

  it("shows Prism's request log with --verbose, and stops every Prism of `chat-agent-apis mock` killed with SIGKILL", async () => {
    const { child, output } = await startAndWaitFor(
      [
        "src/cli/main.ts",
        "mock",
        "chataibot",
        "cavuer",
        "--port",
        "chataibot=0",
        "--port",
        "cavuer=0",
        "--verbose",
      ],
      /mock: ready/,
      children,
    );
    const urls = [...output().matchAll(/(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1] ?? "");
    expect(urls).toHaveLength(2);
    await fetch(`${urls[0]}/conversation/c1/messages`, { method: "POST" });
    const until = Date.now() + 10_000;
    // The CLI's shape: the logger, the request, the level's name (not pino's number), the message.
    const line = /^\[chataibot\] \[HTTP SERVER\] post \/conversation\/c1\/messages info Request received$/m;
    while (!line.test(output()) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(output()).toMatch(line);
    const hosts = prismHosts(child.pid ?? -1);
    expect(hosts).toHaveLength(1);
    child.kill("SIGKILL");
    await Promise.all(urls.map((url) => waitUntilClosed(url, 15_000)));
    await waitUntilGone(hosts[0] ?? -1, 15_000);
  }, 60_000);
});
