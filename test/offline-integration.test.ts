// A user's own integration test, run against `chat-agent-apis mock` as a separate process (the
// command, not startMocks): it iterates every CAAC list, streams a Fifth Element reply chunk by
// chunk, and asserts each documented error class through the helpers. Nothing in it knows about
// Prism or the layer in front of it.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaacClient } from "../src/caac/index.js";
import { createFifthElementClient } from "../src/fifthelement/index.js";
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "../src/index.js";

let child: ChildProcess | undefined;
const urls: Record<string, string> = {};

beforeAll(async () => {
  const root = new URL("..", import.meta.url);
  child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "mock",
      "caac",
      "fifthelement",
      "--port",
      "caac=0",
      "--port",
      "fifthelement=0",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_NO_WARNINGS: "1" } },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock not ready in 45 s:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("mock: ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child?.stdout?.on("data", onData);
    child?.stderr?.on("data", onData);
    child?.once("exit", (code) => reject(new Error(`mock exited (${code}):\n${output}`)));
  });
  for (const [, api, url] of output.matchAll(/^\s+([a-z-]+)\s+(http:\/\/127\.0\.0\.1:\d+)$/gm)) {
    if (api && url) urls[api] = url;
  }
}, 60_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
});

const caac = () => createCaacClient({ apiKey: "test", baseUrl: urls.caac ?? "", maxRetries: 0 });
const fifth = () =>
  createFifthElementClient({ apiKey: "test", baseUrl: urls.fifthelement ?? "", maxRetries: 0 });

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("a user's integration test against `chat-agent-apis mock`", () => {
  it("iterates every CAAC list to its end", async () => {
    const users = [];
    for await (const user of caac().iterateUsers({ limit: 500 })) users.push(user);
    const channels = await all(caac().iterateChannels());
    const teams = await all(caac().iterateTeams());
    for (const list of [users, channels, teams]) {
      expect(list.length).toBeGreaterThan(2);
      expect(new Set(list.map((item) => item.id)).size).toBe(list.length);
    }
  });

  it("pages through a Fifth Element repository's documents to its total", async () => {
    const documents = await all(
      fifth().iterateDocuments("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", { limit: 50 }),
    );
    expect(documents.length).toBe(3);
    expect(new Set(documents.map((d) => d.id)).size).toBe(3);
  });

  it("streams a Fifth Element reply chunk by chunk", async () => {
    const chunks: string[] = [];
    for await (const chunk of fifth().chatStream("support-agent", { message: "Opening hours?" })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toContain("Monday to Friday");
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, InternalServerError],
  ])("chat and chatStream with Prefer code=%i throw %o", async (status, ErrorClass) => {
    const headers = { Prefer: `code=${status}` };
    await expect(fifth().chat("support-agent", { message: "Hi" }, { headers })).rejects.toBeInstanceOf(
      ErrorClass,
    );
    await expect(
      all(fifth().chatStream("support-agent", { message: "Hi" }, { headers })),
    ).rejects.toBeInstanceOf(ErrorClass);
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [500, InternalServerError],
  ])("the CAAC iterators with Prefer code=%i throw %o", async (status, ErrorClass) => {
    const headers = { Prefer: `code=${status}` };
    for (const iterate of [caac().iterateUsers, caac().iterateChannels, caac().iterateTeams]) {
      await expect(all(iterate({ headers }))).rejects.toBeInstanceOf(ErrorClass);
    }
  });
});
