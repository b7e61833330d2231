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
