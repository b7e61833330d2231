// Streaming contract: chatStream() against a local server that sends the spec's SSE example one
// event at a time (Prism cannot stream). Each event's data is validated against the per-event
// schema (the ChatEventStream schema's contentSchema), and the request against ChatRequest.
import { afterEach, describe, expect, it } from "vitest";
import { createFifthElementClient } from "../../src/fifthelement/index.js";
import {
  type ScriptedSseServer,
  startScriptedSseServer,
} from "../../src/test-support/scripted-sse-server.js";
import { tappingFetch } from "../../src/test-support/tapping-fetch.js";
import { eventData, eventValue } from "../support/events.js";
import {
  describeErrors,
  eventDataSchema,
  eventStreamExample,
  findOperation,
  type JsonObject,
  validatorFor,
} from "../support/openapi.js";

const op = findOperation("fifthelement", "chat_send");
const example = eventStreamExample(op);
const events = eventData(example);
const validateEvent = validatorFor(eventDataSchema(op));
const validateRequest = validatorFor(op.raw.requestBody?.content["application/json"]?.schema as JsonObject);
const expectedChunks = events
  .map(eventValue)
  .flatMap((value) =>
    typeof value === "object" && value !== null && "chunk" in value ? [String(value.chunk)] : [],
  );

describe("fifthelement stream", () => {
  let server: ScriptedSseServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("the spec's SSE example has chunk events and ends with [DONE], each valid per event schema", () => {
    expect(events.at(-1)).toBe("[DONE]");
    expect(expectedChunks.length).toBeGreaterThan(1);
    for (const data of events)
      expect(validateEvent(eventValue(data)), describeErrors(validateEvent)).toBe(true);
  });

  it("chat_send 200 text/event-stream via chatStream(): yields each chunk as its event arrives", async () => {
    const pieces = events.map((data) => `data: ${data}\n\n`);
    // The server writes piece k+1 only once the consumer has been handed the chunk of piece k: a
    // client that buffered the stream would never get there (and the test would time out).
    let handedOn = 0;
    let wake: (() => void) | undefined;
    const beforePiece = async (index: number) => {
      while (handedOn < index) await new Promise<void>((resolve) => (wake = resolve));
    };
    server = await startScriptedSseServer({ pieces, delayMs: 0, beforePiece });
    const rec = tappingFetch();
    const client = createFifthElementClient({
      apiKey: "k",
      baseUrl: server.url,
      fetch: rec.fetch,
      maxRetries: 0,
    });
    const chunks: string[] = [];
    const writtenWhenYielded: number[] = [];
    for await (const text of client.chatStream("support-agent", { message: "Hello" })) {
      chunks.push(text);
      writtenWhenYielded.push(server.writtenAt.length);
      handedOn++;
      wake?.();
    }
    expect(chunks).toEqual(expectedChunks);
    // Incremental: chunk k reached the consumer when the server had written k+1 pieces, no more.
    expect(writtenWhenYielded).toEqual(expectedChunks.map((_, k) => k + 1));

    const [request] = server.requests;
    expect(request?.url).toBe("/chat/support-agent");
    expect(request?.headers.accept).toMatch(/text\/event-stream/);
    expect(validateRequest(request?.body), describeErrors(validateRequest)).toBe(true);
    expect(request?.body).toMatchObject({ message: "Hello", stream: true });

    const received = eventData(await (rec.exchanges[0]?.text() ?? Promise.resolve("")));
    expect(received).toEqual(events);
    for (const data of received)
      expect(validateEvent(eventValue(data)), describeErrors(validateEvent)).toBe(true);
  });

  it("chat_send 200 text/event-stream via chatStream(): events split at arbitrary byte boundaries", async () => {
    const body = events.map((data) => `data: ${data}\r\n\r\n`).join("");
    const pieces = body.match(/[\s\S]{1,7}/g) ?? [];
    server = await startScriptedSseServer({ pieces, delayMs: 2 });
    const client = createFifthElementClient({ apiKey: "k", baseUrl: server.url, maxRetries: 0 });
    const chunks: string[] = [];
    for await (const text of client.chatStream("support-agent", { message: "Hello" })) chunks.push(text);
    expect(chunks).toEqual(expectedChunks);
  });
});
