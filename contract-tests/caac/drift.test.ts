// Proof of live drift mode on a local upstream built from the CAAC spec: conformant answers give
// no finding; planted drift (wrong type, undocumented status, wrong content type) is reported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDrift, type DriftProxies, liveCases, startDriftProxies } from "../support/drift.js";
import { type SpecUpstream, startSpecUpstream } from "../support/spec-upstream.js";
import { contract } from "./cases.js";

const cases = liveCases(contract);

async function findingsByCase(proxies: DriftProxies) {
  const results = await Promise.all(cases.map((entry) => checkDrift(contract, entry, proxies, "live-key")));
  return new Map(
    cases.map((entry, i) => [
      entry.operationId + (entry.negative ? " negative" : ""),
      results[i]?.findings ?? [],
    ]),
  );
}

describe("caac live drift mode (local upstream)", () => {
  let upstream: SpecUpstream | undefined;
  let proxies: DriftProxies | undefined;
  beforeAll(async () => {
    upstream = await startSpecUpstream("caac");
    proxies = await startDriftProxies("caac", upstream.url, cases);
  });
  afterAll(async () => {
    await proxies?.stop();
    await upstream?.close();
  });

  it("reports nothing for a conformant upstream", async () => {
    upstream?.drift.clear();
    const found = [...(await findingsByCase(proxies as DriftProxies)).values()].flat();
    expect(cases.length).toBeGreaterThan(5);
    expect(found).toEqual([]);
  });

  it("reports every planted drift, and only those", async () => {
    const drift = upstream?.drift ?? new Map();
    drift.clear();
    // Wrong type: a channel id as a string.
    drift.set("channels_list", ({ status, body }: { status: number; body: Record<string, unknown> }) => ({
      status,
      contentType: "application/json",
      body: JSON.stringify(
        status === 200
          ? { channels: (body.channels as Array<Record<string, unknown>>).map((c) => ({ ...c, id: "zero" })) }
          : body,
      ),
    }));
    // Undocumented status.
    drift.set("users_get", () => ({ status: 418, contentType: "application/json", body: "{}" }));
    // Wrong content type.
    drift.set("backups_get", () => ({ status: 200, contentType: "text/html", body: "<html></html>" }));
    const found = await findingsByCase(proxies as DriftProxies);
    drift.clear();

    expect(found.get("channels_list")?.join("\n")).toMatch(
      /response\.body\.channels\.0\.id: .*must be integer/,
    );
    expect(found.get("users_get")?.join("\n")).toMatch(
      /Warning at response: Unable to match the returned status code/,
    );
    expect(found.get("backups_get")?.join("\n")).toMatch(/media type "text\/html" does not match/);
    // Everything else conforms, including the unauthenticated channels_list (a 401, not drifted).
    const others = [...found].filter(([id]) => !["channels_list", "users_get", "backups_get"].includes(id));
    expect(others.flatMap(([, findings]) => findings)).toEqual([]);
  });
});
