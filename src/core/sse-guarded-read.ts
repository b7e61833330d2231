// One guarded read of a stream body: the abort and idle-timeout guards under streamSSE, with
// stream errors mapped to the package's typed errors.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  ChatAgentApiError,
} from "./errors.js";

/** One `read()`, failing fast on abort or idle timeout and mapping stream errors to typed ones. */
export function guardedRead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal?.aborted) return Promise.reject(new APIUserAbortError());
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(new APIUserAbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (idleTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        reject(new APIConnectionTimeoutError(`No stream data received for ${idleTimeoutMs} ms.`));
      }, idleTimeoutMs);
    }
    reader.read().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (error: unknown) => {
        cleanup();
        reject(signal?.aborted ? new APIUserAbortError(undefined, { cause: error }) : streamError(error));
      },
    );
  });
}

function streamError(error: unknown): Error {
  if (error instanceof ChatAgentApiError) return error;
  return new APIConnectionError("Connection error while reading the stream.", { cause: error });
}
