// Runs one call of a contract on a fresh client whose fetch records every exchange.

import { type TappingFetchOptions, tappingFetch } from "../../src/test-support/tapping-fetch.js";
import type { ApiContract, Call, CallContext } from "./contract.js";

/** Calls `call` on a new client for `baseUrl` (no retries); never throws: the outcome says how it ended. */
export async function invoke<C>(
  contract: ApiContract<C>,
  call: Call<C>,
  context: CallContext,
  baseUrl: string,
  apiKey: string,
  tapping: TappingFetchOptions,
) {
  const rec = tappingFetch(tapping);
  const client = contract.client({ apiKey, baseUrl, fetch: rec.fetch, maxRetries: 0 });
  const outcome = await call(client, context).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { outcome, exchanges: rec.exchanges };
}
