// Sending one probe and timing its answer, and the small pool that keeps at most a few in flight.
import type { CheckId } from "./checks.js";

/** One request verify-agent sends, and the check group that judges its answer. */
export type Probe = {
  group: CheckId;
  label: string;
  body: string;
  contentType?: string;
  auth: "valid" | "missing" | "wrong";
};

/** A probe and what came back: a status, headers and body, or the error that stopped it. */
export type Exchange = Probe & {
  status?: number;
  responseType?: string;
  text?: string;
  json?: unknown;
  error?: string;
  ms: number;
};

/** Sends `probe` and times the answer; never throws (a failure is the exchange's `error`). */
export async function send(
  doFetch: typeof fetch,
  url: string,
  probe: Probe,
  token: string,
  wrongToken: string,
  deadlineSeconds: number,
): Promise<Exchange> {
  const headers: Record<string, string> = { "content-type": probe.contentType ?? "application/json" };
  if (probe.auth !== "missing")
    headers.authorization = `Bearer ${probe.auth === "valid" ? token : wrongToken}`;
  const started = performance.now();
  const signal = AbortSignal.timeout(deadlineSeconds * 1000);
  try {
    const response = await doFetch(url, { method: "POST", headers, body: probe.body, signal });
    const text = await response.text();
    const exchange: Exchange = { ...probe, status: response.status, text, ms: performance.now() - started };
    const type = response.headers.get("content-type");
    if (type !== null) exchange.responseType = type;
    try {
      exchange.json = JSON.parse(text);
    } catch {
      // Not JSON: the checks that need JSON say so.
    }
    return exchange;
  } catch (error) {
    const ms = performance.now() - started;
    const timedOut = signal.aborted;
    const message = timedOut
      ? `no answer within ${deadlineSeconds} s`
      : `request failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    return { ...probe, error: message, ms };
  }
}

/** Runs `work` over `items` with at most `size` in flight, keeping the results in order. */
export async function pool<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
