// The coverage gate: every operationId of every spec must have a contract case, so adding an
// operation to a spec without a test turns CI red with the operation's name.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ApiContract } from "./support/contract.js";
import { APIS, listOperations } from "./support/openapi.js";

const withSpec = APIS.filter((api) =>
  existsSync(new URL(`../generated/${api}.bundle.json`, import.meta.url)),
);

describe.each(withSpec)("%s coverage", (api) => {
  it("has a contract case for every operation in the spec", async () => {
    const path = `./${api}/cases.js`;
    const module = (await import(path).catch((error: Error) => {
      expect.fail(
        `${api}: contract-tests/${api}/cases.ts cannot be loaded (${error.message}); it must export \`contract\``,
      );
    })) as { contract?: ApiContract<unknown> };
    const covered = new Set(Object.keys(module.contract?.operations ?? {}));
    const missing = listOperations(api)
      .filter((op) => !covered.has(op.operationId))
      .map((op) => `${op.operationId} (${op.method} ${op.path})`);
    expect(
      missing,
      `${api}: operations in specs/${api}/openapi.yaml without a contract case; add them to contract-tests/${api}/cases.ts`,
    ).toEqual([]);
  });
});
