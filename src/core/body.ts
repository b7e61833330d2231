// Reads a Web body (a Request's or a Response's) with a byte limit: the stream is counted as it
// arrives and cancelled as soon as the limit is passed, so what is never read stays off the socket.
// Shared by the agent handler's Web input, chataibot's webhook receiver and verify-agent's reader.

/** Reads `message`'s body, never holding more than `maxBytes` bytes of it; undefined once it passes them. */
export async function readBodyBytes(
  message: { readonly body: ReadableStream<Uint8Array> | null },
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  if (!message.body) return new Uint8Array(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
