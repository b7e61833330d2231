// Turns an ApiContract into vitest tests: every operation × every documented status against the
// API's Prism mock, the negative cases, and (with credentials) live drift mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type APIError, errorClassFor } from "../../src/core/index.js";
import { startMocks } from "../../src/mock/index.js";
import { expectBodyMatchesSpec, expectNoViolations, violations } from "./checks.js";
import type { ApiContract, CallContext } from "./contract.js";
import { checkDrift, type DriftProxies, liveCases, startDriftProxies } from "./drift.js";
import { invoke } from "./invoke.js";
import { liveTarget } from "./live.js";
import { documentedStatuses, exampleRequest, type Json, listOperations } from "./openapi.js";

const MOCK_KEY = "contract-test-key";
/** Streams stream against the mocks, with short pauses so the run stays fast. */
const MOCK_STREAM_DELAY_MS = 2;

/** Starts the API's mock for this file; the returned function gives its URL inside tests. */
export function useMock(api: ContractApi): () => string {
  let stop: (() => Promise<void>) | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    const mocks = await startMocks({ apis: [api], ports: { [api]: 0 }, streamDelayMs: MOCK_STREAM_DELAY_MS });
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
      for (const status of documentedStatuses(op)) {
        const success = status < 300;
        // The status is asked for as a user would: a per-call `Prefer` header through the helper.
        const context: CallContext = {
          op,
          example: exampleRequest(op),
          options: { headers: { Prefer: `code=${status}` } },
        };
        // Every way of calling meets every documented status, so each helper (streams and
        // iterators included) is shown to throw the status's error class.
        const calls = [{ via: entry.via, call: entry.call }, ...(entry.variants ?? [])];
        for (const { via, call } of calls) {
          it(`${operationId} ${status} via ${via}`, async () => {
            const { outcome, exchanges } = await invoke(contract, call, context, url(), MOCK_KEY, {});
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
          { op, example: exampleRequest(op), options: {} },
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
  const cases = liveCases(contract);
  describe.skipIf("skip" in target)(`${api} live drift`, () => {
    let proxies: DriftProxies | undefined;
    beforeAll(async () => {
      if ("skip" in target) return;
      proxies = await startDriftProxies(api, target.upstream, cases);
    });
    afterAll(async () => {
      await proxies?.stop();
    });
    for (const entry of cases) {
      it(`${entry.name} matches the spec on the real vendor`, async () => {
        if (!proxies || "skip" in target) expect.fail(`${api}: no proxy`);
        const { findings } = await checkDrift(contract, entry, proxies, target.apiKey);
        expect(findings, `${api}: the real vendor differs from specs/${api}/openapi.yaml`).toEqual([]);
      });
    }
  });
  if ("skip" in target) console.warn(target.skip);
}
