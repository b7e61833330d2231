import { afterEach, describe, expect, it, vi } from "vitest";
import * as serveCommand from "../cli/commands/serve-agent.js";
import { freePort } from "../test-support/redis-server.js";
import { describeStoreReport, openConversationStore } from "./store-url.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("openConversationStore", () => {
  it("opens the default in-memory store for no URL or `memory`", async () => {
    for (const url of [undefined, "", "memory"]) {
      expect(await openConversationStore(url, () => {})).toEqual({
        store: undefined,
        description: "this process's memory",
      });
    }
  });

  it("rejects another scheme, naming the option and never echoing the password", async () => {
    const error = await openConversationStore("memcached://u:hunter2@h:11211", () => {}).catch(String);
    expect(error).toMatch(/--store or CAAC_AGENT_STORE_URL\) must be "memory", redis:\/\/… or rediss:\/\/…/);
    expect(error).not.toContain("hunter2");
  });

  it("quotes no part of a value that is not a store URL, and says which forms are expected", async () => {
    const error = await openConversationStore("hunter2passwordvalue", () => {}).catch(String);
    expect(error).toMatch(/must be "memory", redis:\/\/… or rediss:\/\/…/);
    expect(error).not.toMatch(/hunt|2pas|value starting/);
  });

  it("warns, redacted, and still returns the store when Redis is unreachable at start-up", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const port = await freePort();
    const warnings: string[] = [];
    const pending = openConversationStore(`redis://:hunter2@127.0.0.1:${port}`, (line) =>
      warnings.push(line),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    vi.useRealTimers();
    const opened = await pending;
    expect(opened.description).toBe(`redis://[redacted]@127.0.0.1:${port}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/connecting failed.*serving anyway/);
    expect(warnings.join()).not.toContain("hunter2");
    await opened.store?.close();
  });
});

describe("describeStoreReport", () => {
  it("says what failed, how often, and what the bridge does meanwhile", () => {
    expect(
      describeStoreReport({ kind: "outage", error: new Error("GET failed: offline"), failures: 7 }),
    ).toBe(
      "the conversation store is failing (7 failed call(s) since the last report; turns go on without the mapping): GET failed: offline",
    );
    expect(describeStoreReport({ kind: "recovered", failures: 9 })).toMatch(/reachable again \(9 failed/);
  });
});

describe("serve-agent --store", () => {
  it("exits 2 with a clear message for a store without the bridge, or a bad store URL", async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    expect(await serveCommand.run(["--token", "test-token-abcdef", "--store", "redis://127.0.0.1:1"])).toBe(
      2,
    );
    expect(stderr.join()).toMatch(/--store applies to --bridge fifthelement only/);
    vi.stubEnv("FIFTHELEMENT_API_KEY", "k");
    vi.stubEnv("FIFTHELEMENT_BASE_URL", "http://127.0.0.1:1");
    vi.stubEnv("CAAC_AGENT_STORE_URL", "mysql://root:hunter2@db");
    expect(
      await serveCommand.run(["--token", "test-token-abcdef", "--bridge", "fifthelement", "--slug", "s"]),
    ).toBe(2);
    expect(stderr.join()).toMatch(/CAAC_AGENT_STORE_URL\) must be "memory"/);
    expect(stderr.join()).not.toContain("hunter2");
  });
});
