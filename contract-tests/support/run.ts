// Turns an ApiContract into vitest tests: every operation × every documented status against the
// API's Prism mock, the negative cases, and (with credentials) live drift mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type APIError, errorClassFor } from "../../src/core/index.js";
import { type PrismProcess, startMocks, startProxy } from "../../src/mock/index.js";
import { expectBodyMatchesSpec, expectNoViolations, violations } from "./checks.js";
import type { ApiContract, Call, CallContext } from "./contract.js";
import { liveTarget } from "./live.js";
import { documentedStatuses, exampleRequest, type Json, listOperations } from "./openapi.js";
import { type RecorderOptions, recordingFetch } from "./recorder.js";

const MOCK_KEY = "contract-test-key";

/** Starts the API's mock for this file; the returned function gives its URL inside tests. */
export function useMock(api: ContractApi): () => string {
  let stop: (() => Promise<void>) | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    const mocks = await startMocks({ apis: [api], ports: { [api]: 0 } });
    stop = mocks.stop;
    url = mocks.urls[api];
  });
  afterAll(async () => {
    await stop?.();
  });
  return () => {
    if (!url) throw new Error(`${api}: the mock did not start (see beforeAll)`);
    return url;
  };
}

type ContractApi = ApiContract<unknown>["api"];

async function invoke<C>(
  contract: ApiContract<C>,
  call: Call<C>,
  context: CallContext,
  baseUrl: string,
  apiKey: string,
  recorder: RecorderOptions,
) {
  const rec = recordingFetch(recorder);
  const client = contract.client({ apiKey, baseUrl, fetch: rec.fetch, maxRetries: 0 });
  const outcome = await call(client, context).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { outcome, exchanges: rec.exchanges };
}

/** Registers every test of `contract`. */
export function runContract<C>(contract: ApiContract<C>): void {
  const { api } = contract;
  const byId = new Map(listOperations(api).map((op) => [op.operationId, op]));

  describe(`${api} mock`, () => {
    const url = useMock(api);

    for (const [operationId, entry] of Object.entries(contract.operations)) {
      const op = byId.get(operationId);
      if (!op) {
        it(`${operationId}: is in the spec`, () => {
          expect.fail(
            `${api}: the contract calls "${operationId}", which specs/${api}/openapi.yaml no longer has`,
          );
        });
        continue;
      }
      const context: CallContext = { op, example: exampleRequest(op) };
      for (const status of documentedStatuses(op)) {
        const success = status < 300;
        const calls = [{ via: entry.via, call: entry.call }, ...(success ? (entry.variants ?? []) : [])];
        for (const { via, call } of calls) {
          it(`${operationId} ${status} via ${via}`, async () => {
            const { outcome, exchanges } = await invoke(contract, call, context, url(), MOCK_KEY, {
              add: { prefer: `code=${status}` },
            });
            const last = exchanges.at(-1);
            if (success) {
              if (!outcome.ok) throw outcome.error;
            } else {
              expect(outcome.ok, `${operationId} ${status}: the call resolved instead of throwing`).toBe(
                false,
              );
              const error = (outcome as { error: unknown }).error;
              expect(error).toBeInstanceOf(errorClassFor(status));
              expect((error as APIError).status).toBe(status);
            }
            expect(last?.status).toBe(status);
            expectNoViolations(exchanges);
            for (const exchange of exchanges) await expectBodyMatchesSpec(op, exchange);
            if (success && via === entry.via && entry.check && outcome.ok && last) {
              const text = await last.text();
              entry.check(outcome.value, (text === "" ? null : JSON.parse(text)) as Json);
            }
          });
        }
      }
    }

    for (const negative of contract.negatives) {
      it(`${negative.operationId} ${negative.status} rejects: ${negative.name}`, async () => {
        const op = byId.get(negative.operationId);
        if (!op) expect.fail(`${api}: no operation "${negative.operationId}" in the spec`);
        const { outcome, exchanges } = await invoke(
          contract,
          negative.call,
          { op, example: exampleRequest(op) },
          url(),
          MOCK_KEY,
          { drop: negative.drop },
        );
        expect(outcome.ok, "the mock accepted a wrong request").toBe(false);
        const error = (outcome as { error: unknown }).error;
        expect(error, String(error)).toBeInstanceOf(errorClassFor(negative.status));
        const last = exchanges.at(-1);
        expect(last?.status).toBe(negative.status);
        expect(last && violations(last).join("\n")).toMatch(negative.violation);
      });
    }
  });

  const target = liveTarget(api);
  describe.skipIf("skip" in target)(`${api} live drift`, () => {
    let proxy: PrismProcess | undefined;
    beforeAll(async () => {
      if ("skip" in target) return;
      proxy = await startProxy({ api, upstream: target.upstream });
    });
    afterAll(async () => {
      await proxy?.stop();
    });
    const live = [
      ...Object.entries(contract.operations)
        .filter(([, entry]) => entry.readOnly)
        .map(([operationId, entry]) => ({ name: `${operationId} via ${entry.via}`, operationId, ...entry })),
      ...contract.negatives
        .filter((n) => n.live)
        .map((n) => ({ ...n, name: `${n.operationId} rejects: ${n.name}` })),
    ];
    for (const entry of live) {
      it(`${entry.name} matches the spec on the real vendor`, async () => {
        const op = byId.get(entry.operationId);
        if (!op || !proxy) expect.fail(`${api}: no operation "${entry.operationId}" or no proxy`);
        const { exchanges } = await invoke(
          contract,
          entry.call,
          { op, example: exampleRequest(op) },
          proxy.url,
          "apiKey" in target ? target.apiKey : "",
          { drop: "drop" in entry ? entry.drop : undefined },
        );
        const found = exchanges.flatMap((e) =>
          violations(e).map((v) => `${e.method} ${e.url} → ${e.status}: ${v}`),
        );
        expect(found, `${api}: the real vendor differs from specs/${api}/openapi.yaml`).toEqual([]);
      });
    }
  });
  if ("skip" in target) console.warn(target.skip);
}
