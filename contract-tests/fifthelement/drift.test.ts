// Proof of live drift mode on a local upstream built from the Fifth Element spec, served under
// the vendor's base path (/v1/api, which Prism's proxy must keep): a conformant upstream gives no
// finding; an error envelope missing a required field is reported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDrift, type DriftProxies, liveCases, startDriftProxies } from "../support/drift.js";
import { type SpecUpstream, startSpecUpstream } from "../support/spec-upstream.js";
import { contract } from "./cases.js";

const cases = liveCases(contract);

describe("fifthelement live drift mode (local upstream)", () => {
  let upstream: SpecUpstream | undefined;
  let proxies: DriftProxies | undefined;
  beforeAll(async () => {
    upstream = await startSpecUpstream("fifthelement", "/v1/api");
    proxies = await startDriftProxies("fifthelement", upstream.url, cases);
  });
  afterAll(async () => {
    await proxies?.stop();
    await upstream?.close();
  });

  it("reports nothing for a conformant upstream, and the vendor answers each case as documented", async () => {
    upstream?.drift.clear();
    for (const entry of cases) {
      const { findings, statuses } = await checkDrift(contract, entry, proxies as DriftProxies, "live-key");
      expect(findings).toEqual([]);
      // An iteration may read several pages: every one must answer the expected status.
      expect(statuses.length, entry.name).toBeGreaterThan(0);
      expect(new Set(statuses), entry.name).toEqual(
        new Set([entry.negative ? (entry.drop ? 401 : 400) : 200]),
      );
    }
  });

  it("reports a missing required field in the error envelope", async () => {
    upstream?.drift.set("chat_send", ({ status }) => ({
      status,
      contentType: "application/json",
      body: JSON.stringify({ data: null, error: { name: "UnauthorizedError" } }),
    }));
    const entry = cases.find((c) => c.drop);
    if (!entry) expect.fail("fifthelement: no live case without credentials");
    const { findings } = await checkDrift(contract, entry, proxies as DriftProxies, "live-key");
    upstream?.drift.clear();
    expect(findings.join("\n")).toMatch(/response\.body\.error: .*required property 'message'/);
  });
});
