import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { APIUserAbortError, NotFoundError, RateLimitError, ValidationError } from "../core/index.js";
import { type ControlledSseServer, startControlledSseServer } from "../test-support/controlled-sse-server.js";
import { json, stubFetch } from "../test-support/stub-fetch.js";
import { createFifthElementClient, MalformedStreamError, readChatStream } from "./index.js";

const apiKey = "fe_SECRET_abcdef";
const baseUrl = "https://acme.example/v1/api";
const reply = {
  response: "We open at 9.",
  conversationId: "conv_abc123",
  metadata: { model: "gpt-4", tokens: 150 },
};

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body as ReadableStream<Uint8Array>;
}
async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

describe("createFifthElementClient().chat", () => {
  it("sends the message with bearer auth and x-user-identifier, and returns the reply", async () => {
    const { fetch, requests } = stubFetch(() => json({ data: reply, error: null }));
    const client = createFifthElementClient({ apiKey, baseUrl, userIdentifier: "user-42", fetch });
    await expect(client.chat("support-agent", { message: "Hours?", conversationId: null })).resolves.toEqual(
      reply,
    );
    expect(requests[0]?.url).toBe(`${baseUrl}/chat/support-agent`);
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
    expect(requests[0]?.headers.get("x-user-identifier")).toBe("user-42");
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ message: "Hours?", conversationId: null });
  });

  it("parses the error envelope into a NotFoundError with the vendor's message", async () => {
    const body = {
      data: null,
      error: { name: "NotFoundError", message: "Agent with slug 'x' not found", details: {} },
    };
    const { fetch } = stubFetch(() => json(body, 404));
    const error = await createFifthElementClient({ apiKey, baseUrl, fetch })
      .chat("x", { message: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain("Agent with slug 'x' not found");
    expect((error as NotFoundError).error).toEqual(body);
  });

  it("rejects an empty message before any request", async () => {
    const { fetch, requests } = stubFetch(() => json({}));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.chat("x", { message: "  " })).rejects.toThrow(ValidationError);
    await expect(client.chat("", { message: "hi" })).rejects.toThrow("slug: ");
    expect(requests).toHaveLength(0);
  });

  it("retries a 429 until X-RateLimit-Reset, then gives up with RateLimitError after maxRetries", async () => {
    const { fetch, requests } = stubFetch(() =>
      json({ data: null, error: { name: "RateLimitError", message: "slow down", details: {} } }, 429, {
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000)),
      }),
    );
    const client = createFifthElementClient({ apiKey, baseUrl, fetch, maxRetries: 2 });
    await expect(client.chat("x", { message: "hi" })).rejects.toThrow(RateLimitError);
    expect(requests).toHaveLength(3);
  });

  it("chatAsync returns the X-Request-Id of the queued request", async () => {
    const { fetch, requests } = stubFetch(() =>
      json({ data: reply, error: null }, 200, { "x-request-id": "req_1" }),
    );
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.chatAsync("x", { message: "later" })).resolves.toEqual({ requestId: "req_1" });
    expect(JSON.parse(requests[0]?.body ?? "")).toMatchObject({ async: true });
  });
});

describe("createFifthElementClient().chatStream with a custom fetch", () => {
  it("ends at [DONE] even when the custom fetch keeps an unread clone of the response", {
    timeout: 5_000,
  }, async () => {
    const kept: Response[] = [];
    const sse = 'data: {"chunk": "a"}\n\ndata: [DONE]\n\ndata: {"chunk": "after done"}\n\n';
    const fetch = async () => {
      const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
      kept.push(response.clone()); // a logging fetch would read this later, or never
      return response;
    };
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    expect(await collect(client.chatStream("agent", { message: "hi" }))).toEqual(["a"]);
    expect(kept).toHaveLength(1);
  });
});

describe("readChatStream", () => {
  const events = ["Hello", " there!", " How", " can", " I", " help", "?"];
  const wire = (eol: string) =>
    `${events.map((c) => `data: ${JSON.stringify({ chunk: c })}${eol}${eol}`).join("")}: keep-alive${eol}${eol}data: [DONE]${eol}${eol}`;

  it("gives the same chunks wherever the network splits the bytes (LF and CRLF)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("\n", "\r\n"),
        fc.uniqueArray(fc.nat(400), { maxLength: 12 }),
        async (eol, cuts) => {
          const bytes = new TextEncoder().encode(wire(eol));
          const points = [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b);
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              let from = 0;
              for (const to of [...points, bytes.length]) {
                controller.enqueue(bytes.slice(from, to));
                from = to;
              }
              controller.close();
            },
          });
          expect(await collect(readChatStream(stream))).toEqual(events);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("joins multi-line data fields before parsing", async () => {
    const chunks = await collect(readChatStream(streamOf('data: {"chunk":\ndata: "a"}\n\ndata: [DONE]\n\n')));
    expect(chunks).toEqual(["a"]);
  });

  it.each([
    ["data that is not JSON", "data: hello\n\n", "not JSON"],
    ["JSON without a chunk", 'data: {"text": "a"}\n\n', 'expected {"chunk": string}'],
    ["an in-band error", 'data: {"error": {"name": "Boom", "message": "upstream"}}\n\n', "Boom: upstream"],
    ["no [DONE] before the end", 'data: {"chunk": "a"}\n\n', "without"],
  ])("throws MalformedStreamError on %s", async (_name, body, message) => {
    const error = await collect(readChatStream(streamOf(body))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedStreamError);
    expect(String(error)).toContain(message);
  });
});

describe("createFifthElementClient().chatStream over a real connection", () => {
  let server: ControlledSseServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("yields the first chunk before the server has sent the last", async () => {
    server = await startControlledSseServer();
    const client = createFifthElementClient({ apiKey, baseUrl: server.url });
    const stream = client.chatStream("agent", { message: "Tell me a story" });
    const first = stream.next();
    const res = await server.response();
    res.write('data: {"chunk": "Once"}\n\n');
    await expect(first).resolves.toEqual({ value: "Once", done: false });
    // Only now does the server send the rest.
    res.write('data: {"chunk": " upon"}\n\ndata: [DONE]\n\n');
    res.end();
    expect(await collect(stream)).toEqual([" upon"]);
  });

  it("closes the HTTP connection when the consumer breaks", async () => {
    server = await startControlledSseServer();
    const client = createFifthElementClient({ apiKey, baseUrl: server.url });
    const consumed = (async () => {
      for await (const chunk of client.chatStream("agent", { message: "hi" })) {
        if (chunk === "stop") break;
      }
    })();
    const res = await server.response();
    res.write('data: {"chunk": "stop"}\n\n');
    await consumed;
    await server.clientClosed();
    expect(res.writableEnded).toBe(false);
  });

  it("stops with APIUserAbortError when the caller aborts mid-stream", async () => {
    server = await startControlledSseServer();
    const controller = new AbortController();
    const client = createFifthElementClient({ apiKey, baseUrl: server.url });
    const stream = client.chatStream("agent", { message: "hi" }, { signal: controller.signal });
    const first = stream.next();
    const res = await server.response();
    res.write('data: {"chunk": "a"}\n\n');
    await first;
    const second = stream.next();
    controller.abort();
    await expect(second).rejects.toThrow(APIUserAbortError);
    await server.clientClosed();
  });
});

describe("createFifthElementClient per-call headers", () => {
  it("sends a per-end-user x-user-identifier with chat, chatAsync and chatStream, over the client's", async () => {
    const { fetch, requests } = stubFetch((request) =>
      JSON.parse(request.body).stream
        ? new Response('data: {"chunk":"a"}\n\ndata: [DONE]\n\n', {
            headers: { "content-type": "text/event-stream" },
          })
        : json({ data: reply, error: null }),
    );
    const client = createFifthElementClient({ apiKey, baseUrl, fetch, userIdentifier: "workspace-default" });
    await client.chat("bot", { message: "hi" }, { headers: { "x-user-identifier": "user-1" } });
    await client.chatAsync("bot", { message: "hi" }, { headers: { "x-user-identifier": "user-2" } });
    const chunks: string[] = [];
    for await (const chunk of client.chatStream(
      "bot",
      { message: "hi" },
      { headers: { "x-user-identifier": "user-3" } },
    )) {
      chunks.push(chunk);
    }
    await client.chat("bot", { message: "hi" });
    expect(chunks).toEqual(["a"]);
    expect(requests.map((request) => request.headers.get("x-user-identifier"))).toEqual([
      "user-1",
      "user-2",
      "user-3",
      "workspace-default",
    ]);
    expect(requests[2]?.headers.get("accept")).toBe("text/event-stream");
  });
});
