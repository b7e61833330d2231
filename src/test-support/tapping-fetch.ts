// A `fetch` to inject into a client under test that goes to the network for real (a Prism mock, a
// drift proxy) and taps the traffic: it can add headers the helper methods do not expose (Prism's
// `Prefer: code=404`), drop headers (credentials, to provoke a 401), and keeps every response so a
// test can check headers and the exact body the client received. (stubFetch, in stub-fetch.ts,
// answers without a network instead.)
import type { FetchLike } from "../core/index.js";

/** One request and its response as the client saw them. */
export type Exchange = {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  /** The response body as text, as the client read it; settles once the client has read it all. */
  text(): Promise<string>;
};

export type TappingFetchOptions = {
  /** Headers added to every request, e.g. `{ prefer: "code=404" }`. */
  add?: Record<string, string> | undefined;
  /** Headers removed from every request, e.g. `["authorization"]`. */
  drop?: readonly string[] | undefined;
};

export type TappingFetch = {
  fetch: FetchLike;
  exchanges: Exchange[];
};

export function tappingFetch(options: TappingFetchOptions = {}): TappingFetch {
  const exchanges: Exchange[] = [];
  const fetchFn: FetchLike = async (input, init) => {
    const headers = new Headers(input.headers);
    for (const [name, value] of Object.entries(options.add ?? {})) headers.set(name, value);
    for (const name of options.drop ?? []) headers.delete(name);
    const request = new Request(input, { headers });
    const response = await fetch(request, init);
    const { body, text } = tap(response.body);
    exchanges.push({
      method: request.method,
      url: request.url,
      status: response.status,
      headers: response.headers,
      text: () => text,
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: fetchFn, exchanges };
}

/**
 * Copies a body as the client reads it. Not `response.clone()`: cancelling one branch of a tee
 * settles only when the other is cancelled too, so a clone nobody reads would hang a client
 * that awaits `cancel()` when it stops a stream early.
 */
function tap(source: ReadableStream<Uint8Array> | null): {
  body: ReadableStream<Uint8Array> | null;
  text: Promise<string>;
} {
  if (!source) return { body: null, text: Promise.resolve("") };
  const reader = source.getReader();
  const decoder = new TextDecoder();
  let copied = "";
  let settle: (text: string) => void = () => {};
  const text = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          settle(copied + decoder.decode());
          controller.close();
          return;
        }
        copied += decoder.decode(value, { stream: true });
        controller.enqueue(value);
      } catch (error) {
        settle(copied);
        controller.error(error);
      }
    },
    cancel(reason) {
      settle(copied);
      return reader.cancel(reason);
    },
  });
  return { body, text };
}
