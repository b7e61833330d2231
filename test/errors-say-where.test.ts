// Errors that say where: the vendor and host:port, never a secret or a query string.
import { describe, expect, it } from "vitest";
import { createCaacClient } from "../src/caac/index.js";
import { createCavuerClient } from "../src/cavuer/index.js";
import { createChatAIBotClient } from "../src/chataibot/index.js";
import { APIConnectionError, APIConnectionTimeoutError } from "../src/core/index.js";
import { createFifthElementClient, MalformedStreamError } from "../src/fifthelement/index.js";
import * as root from "../src/index.js";
import { freePort } from "../src/mock/free-port.js";
import { useLoopbackServers } from "../src/test-support/loopback-server.js";
import { json, stubFetch } from "../src/test-support/stub-fetch.js";

const KEY = "key_WHERE_secret_0123456789";
const serve = useLoopbackServers();

/** A loopback port nobody listens on. */
const closedPort = () => freePort();

describe("connection and timeout errors name the vendor and host:port", () => {
  it("for a refused connection, with each vendor's name and never the key or the query", async () => {
    const port = await closedPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const calls: Array<[string, () => Promise<unknown>]> = [
      [
        "Cavuer",
        () =>
          createCavuerClient({ apiKey: KEY, baseUrl, maxRetries: 0 }).sendMessage("c", {
            chatId: "x",
            content: { text: "t" },
          }),
      ],
      ["CAAC", () => createCaacClient({ apiKey: KEY, baseUrl, maxRetries: 0 }).iterateUsers().next()],
      [
        "ChatAIBot",
        () => createChatAIBotClient({ apiKey: KEY, baseUrl, maxRetries: 0 }).sendVisitorMessage("c1", "hi"),
      ],
      [
        "Fifth Element AI",
        () =>
          createFifthElementClient({ apiKey: KEY, baseUrl, maxRetries: 0 }).chat("bot", { message: "hi" }),
      ],
    ];
    for (const [vendor, call] of calls) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIConnectionError);
      expect((error as Error).message).toBe(
        `Connection error: could not get a response from ${vendor} at 127.0.0.1:${port} (ECONNREFUSED).`,
      );
      expect(String(error)).not.toContain(KEY);
    }
  });

  it("for a timeout, and the default port when the URL has none", async () => {
    const hanging = (request: Request) =>
      new Promise<Response>((_resolve, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    const client = createCavuerClient({
      apiKey: KEY,
      baseUrl: "https://api.cavuer.test",
      fetch: (request, init) => hanging(new Request(request, init)),
      timeout: 20,
      maxRetries: 0,
    });
    const error: unknown = await client
      .sendMessage("c", { chatId: "x", content: { text: "t" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toBe(
      "Request to Cavuer at api.cavuer.test:443 timed out after 20 ms (no response headers).",
    );
  });
});

describe("a stream answered with another content type", () => {
  it("says which content type chatStream got, instead of 'ended after 0 chunks'", async () => {
    const { fetch } = stubFetch(() => json({ data: { response: "whole reply" } }));
    const client = createFifthElementClient({ apiKey: KEY, baseUrl: "https://fe.test/v1/api", fetch });
    const error: unknown = await client
      .chatStream("bot", { message: "hi" })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedStreamError);
    expect((error as Error).message).toBe(
      'Expected a text/event-stream answer to the stream request, got "application/json" (status 200).',
    );
  });

  it("names the vendor and host when the stream goes quiet (real server)", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
    });
    const client = createFifthElementClient({ apiKey: KEY, baseUrl: url, timeout: 1000 });
    const error: unknown = await client
      .chatStream("bot", { message: "hi" })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toBe(
      `No stream data received from Fifth Element AI at ${new URL(url).host} for 1000 ms.`,
    );
  });
});

describe("the package root", () => {
  it("exports MalformedStreamError and APIRedirectError", () => {
    expect(root.MalformedStreamError).toBe(MalformedStreamError);
    expect(typeof root.APIRedirectError).toBe("function");
  });
});
