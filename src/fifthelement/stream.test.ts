import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MalformedStreamError, readChatStream } from "./stream.js";

function body(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

async function chunks(text: string): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of readChatStream(body(text))) out.push(chunk);
  return out;
}

describe("readChatStream chunk decoding", () => {
  it("yields exactly what JSON.parse gives, with or without escapes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary" }), async (text) => {
        const data = JSON.stringify({ chunk: text });
        expect(await chunks(`data: ${data}\n\ndata: [DONE]\n\n`)).toEqual([JSON.parse(data).chunk]);
      }),
    );
  });

  it("rejects a chunk string with a raw control character, as JSON.parse does", async () => {
    await expect(chunks('data: {"chunk":"a\tb"}\n\ndata: [DONE]\n\n')).rejects.toBeInstanceOf(
      MalformedStreamError,
    );
  });
});

describe("stream errors never quote a key", () => {
  const KEY = "fe_live_STREAM_secret_0123456789";
  const streamOfText = (text: string) => new Response(text).body as ReadableStream<Uint8Array>;

  it.each([
    ["not JSON", `data: ${"y".repeat(100)}${KEY} trailing\n\n`],
    ["an unexpected shape", `data: {"pad":"${"z".repeat(92)}","echo":"${KEY}"}\n\n`],
    ["an in-band error", `data: {"error":{"name":"AuthError","message":"bad key ${KEY}"}}\n\n`],
  ])("on %s, even where the preview is cut", async (_case, text) => {
    const error: unknown = await (async () => {
      for await (const _chunk of readChatStream(streamOfText(text), { secrets: [KEY] })) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedStreamError);
    const rendered = `${String(error)}\n${(error as Error).stack}`;
    for (let start = 0; start + 8 <= KEY.length; start++) {
      expect(rendered).not.toContain(KEY.slice(start, start + 8));
    }
  });
});
