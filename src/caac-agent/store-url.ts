// Opens the conversation store named by a URL, for the serve-agent command: `memory` (the
// default) or `redis://…` / `rediss://…`. The Redis module, and with it the optional `redis` peer
// dependency, is loaded only when a Redis URL is given.

import type { ConversationStore } from "./store.js";
import type { StoreHealthReport } from "./store-guard.js";

/** An opened store and how to name it in logs (credentials redacted). */
export type OpenedStore = { store: ConversationStore | undefined; description: string };

/** How long start-up waits for a first connection before serving without it. */
export const STORE_STARTUP_WAIT_MS = 5_000;

/**
 * Opens the store for `url`. Throws a TypeError (naming the option, never the password) for a URL
 * it cannot use, or when the `redis` package is not installed. A Redis server that is unreachable at
 * start-up is only warned about: the bridge serves without the mapping until it is back.
 */
export async function openConversationStore(
  url: string | undefined,
  warn: (line: string) => void,
  startupWaitMs: number = STORE_STARTUP_WAIT_MS,
): Promise<OpenedStore> {
  if (url === undefined || url.trim() === "" || url.trim() === "memory") {
    return { store: undefined, description: "this process's memory" };
  }
  if (!/^rediss?:\/\//i.test(url.trim())) {
    throw new TypeError(
      `the store URL (--store or CAAC_AGENT_STORE_URL) must be "memory", redis://… or rediss://…; the value given is neither (not shown: it may hold a password).`,
    );
  }
  let module: typeof import("./redis-store.js");
  try {
    module = await import("./redis-store.js");
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") {
      throw new TypeError(
        "a redis:// store needs the optional peer dependency `redis`: run `npm install redis@6`.",
      );
    }
    throw error;
  }
  const store = module.createRedisConversationStore({ url: url.trim() });
  try {
    await store.ready(startupWaitMs);
  } catch (error) {
    warn(
      `${error instanceof Error ? error.message : String(error)}; serving anyway: conversations ` +
        "start afresh on each turn until the store is reachable.",
    );
  }
  return { store, description: store.description };
}

/** One log line for a store health report (the error's message is already redacted by the store). */
export function describeStoreReport(report: StoreHealthReport): string {
  if (report.kind === "recovered") {
    return `the conversation store is reachable again (${report.failures} failed call(s) during the outage).`;
  }
  const reason = report.error instanceof Error ? report.error.message : String(report.error);
  return `the conversation store is failing (${report.failures} failed call(s) since the last report; turns go on without the mapping): ${reason}`;
}
