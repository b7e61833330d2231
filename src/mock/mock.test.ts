import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Mocks, startMocks } from "./index.js";

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

  it("serves each spec on its own port, answers with examples, and stop() leaves no process", async () => {
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

    const { execFileSync } = await import("node:child_process");
    const children = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], {
      encoding: "utf8",
    })
      .split("\n")
      .filter((line) => line.includes("prism-cli"))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(children).toHaveLength(2);
    await mocks.stop();
    expect(children.filter(alive)).toEqual([]);
  });

  it("fails with the mock's log when its port is taken, and stops the mocks that did start", async () => {
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
    expect(error?.message).toMatch(/^cavuer: Prism mock/);
    expect(error?.message).toMatch(/--- Prism log ---[\s\S]*EADDRINUSE/);
  });

  it("rejects unknown APIs before starting anything", async () => {
    await expect(startMocks({ apis: ["nope" as "cavuer"] })).rejects.toThrow(/unknown API "nope"/);
  });
});
