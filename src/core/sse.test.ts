import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useLoopbackServers } from "../test-support/loopback-server.js";
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "./errors.js";
import { parseSSE, type SSEEvent } from "./sse.js";

const encoder = new TextEncoder();

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>, options = {}): Promise<SSEEvent[]> {
  const events: SSEEvent[] = [];
  for await (const event of parseSSE(stream, options)) events.push(event);
  return events;
}

const serve = useLoopbackServers();

/** Resolves with `value` after pending reads and parser callbacks have run (a few event-loop turns). */
async function settleThen<T>(value: T): Promise<T> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  return value;
}

function sseHead(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
}

describe("parseSSE", () => {
  it("parses event names, ids, multi-line data and skips comments", async () => {
    const text = ": keep-alive\nevent: delta\nid: 7\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n";
    expect(await collect(streamOf([text]))).toEqual([
      { event: "delta", id: "7", data: "line one\nline two" },
      { data: "[DONE]" },
    ]);
  });

  it("handles CRLF and CR line endings", async () => {
    expect(await collect(streamOf(["data: a\r\n\r\ndata: b\r\rdata: c\n\n"]))).toEqual([
      { data: "a" },
      { data: "b" },
      { data: "c" },
    ]);
  });

  it("yields an event ended by CR-only line endings at once, before the stream closes", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    const events = parseSSE(body);
    controller.enqueue(encoder.encode("data: [DONE]\r\r"));
    // The stream stays open: the event must come from the bytes already sent, not from the close.
    const first = await Promise.race([events.next(), settleThen("held back")]);
    expect(first).toEqual({ done: false, value: { data: "[DONE]" } });
    await events.return();
  });

  it("yields every event as soon as its blank line arrives, whatever the chunks and line endings", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z ]{0,6}$/), { minLength: 1, maxLength: 5 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (datas, eol, cuts) => {
          const blocks = datas.map((data) => `data: ${data}${eol}${eol}`);
          const text = blocks.join("");
          // An event is complete once the first character of its blank line's ending has arrived.
          let offset = 0;
          const completeAt = blocks.map((block) => {
            offset += block.length;
            return offset - eol.length + 1;
          });
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          const bounds = [...points.filter((point) => point > 0), text.length];
          let controller!: ReadableStreamDefaultController<Uint8Array>;
          const seen: string[] = [];
          const consumed = (async () => {
            const body = new ReadableStream<Uint8Array>({
              start(c) {
                controller = c;
              },
            });
            for await (const event of parseSSE(body)) seen.push(event.data);
          })();
          await settleThen(undefined);
          let sent = 0;
          for (const bound of bounds) {
            controller.enqueue(encoder.encode(text.slice(sent, bound)));
            sent = bound;
            await settleThen(undefined);
            const expected = datas.filter((_data, i) => (completeAt[i] ?? Infinity) <= sent);
            expect(seen).toEqual(expected);
          }
          controller.close();
          await consumed;
          expect(seen).toEqual(datas);
        },
      ),
      { numRuns: 100 },
    ));

  it("drops an unterminated last event, as the SSE standard says", async () => {
    expect(await collect(streamOf(["data: complete\n\ndata: cut"]))).toEqual([{ data: "complete" }]);
  });

  it("gives the same events whatever the chunk boundaries and line endings", () => {
    const piece = fc.string({ unit: fc.constantFrom("a", "Z", " ", ":", "é", "😀", "{", '"', "data") });
    const event = fc.record({
      event: fc.option(
        piece.filter((s) => s.trim() !== ""),
        { nil: undefined },
      ),
      id: fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }),
      data: fc.array(piece, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
    });
    return fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (events, eol, cuts) => {
          const text = events
            .map((e) =>
              [
                e.comment ? ": ping" : undefined,
                e.event !== undefined ? `event: ${e.event}` : undefined,
                e.id !== undefined ? `id: ${e.id}` : undefined,
                ...e.data.map((line) => `data: ${line}`),
              ]
                .filter((line) => line !== undefined)
                .map((line) => line + eol)
                .join(""),
            )
            .map((block) => block + eol)
            .join("");
          const bytes = encoder.encode(text);
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...points, bytes.length];
          const chunks = bounds.slice(0, -1).map((start, i) => bytes.slice(start, bounds[i + 1]));
          const expected = events.map((e) => {
            const out: SSEEvent = { data: e.data.join("\n") };
            if (e.event !== undefined) out.event = e.event;
            if (e.id !== undefined) out.id = e.id;
            return out;
          });
          expect(await collect(streamOf(chunks))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("delivers the first event before the server has sent the last (real server)", async () => {
    let releaseLast: () => void = () => {};
    const lastAllowed = new Promise<void>((resolve) => {
      releaseLast = resolve;
    });
    let lastSent = false;
    const url = await serve((_req, res) => {
      sseHead(res);
      res.write("data: first\n\n");
      void lastAllowed.then(() => {
        lastSent = true;
        res.end("data: last\n\n");
      });
    });
    const response = await fetch(url);
    const seen: string[] = [];
    for await (const event of parseSSE(response.body as ReadableStream<Uint8Array>)) {
      seen.push(event.data);
      if (event.data === "first") {
        expect(lastSent).toBe(false);
        releaseLast();
      }
    }
    expect(seen).toEqual(["first", "last"]);
  });

  it("closes the connection when the consumer breaks (real server)", async () => {
    let closed: () => void = () => {};
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const url = await serve((_req, res) => {
      sseHead(res);
      const timer = setInterval(() => res.write("data: tick\n\n"), 10);
      res.on("close", () => {
        clearInterval(timer);
        closed();
      });
    });
    const response = await fetch(url);
    let count = 0;
    for await (const _event of parseSSE(response.body as ReadableStream<Uint8Array>)) {
      if (++count === 2) break;
    }
    await serverSawClose;
    expect(count).toBe(2);
  });

  it("stops with APIUserAbortError when the signal aborts, closing the connection (real server)", async () => {
    let closed: () => void = () => {};
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const url = await serve((_req, res) => {
      sseHead(res);
      res.write("data: one\n\n");
      res.on("close", () => closed());
    });
    const controller = new AbortController();
    const response = await fetch(url);
    const consume = async () => {
      for await (const _event of parseSSE(response.body as ReadableStream<Uint8Array>, {
        signal: controller.signal,
      })) {
        controller.abort();
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(APIUserAbortError);
    await serverSawClose;
  });

  it("fails with APIConnectionTimeoutError when no chunk arrives within the idle timeout", async () => {
    const silent = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("data: hi\n\n"));
      },
    });
    const events: string[] = [];
    const consume = async () => {
      for await (const event of parseSSE(silent, { idleTimeoutMs: 30 })) events.push(event.data);
    };
    await expect(consume()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(events).toEqual(["hi"]);
  });

  it("fails with APIConnectionError when the connection drops mid-stream (real server)", async () => {
    const url = await serve((req, res) => {
      sseHead(res);
      res.write("data: partial\n\n");
      setTimeout(() => req.socket.destroy(), 20);
    });
    const response = await fetch(url);
    await expect(collect(response.body as ReadableStream<Uint8Array>)).rejects.toBeInstanceOf(
      APIConnectionError,
    );
  });

  it("fails instead of buffering an endless event", async () => {
    await expect(collect(streamOf([`data: ${"x".repeat(200)}`]), { maxEventSize: 100 })).rejects.toThrow(
      /too large/,
    );
  });
});
