// The reference agent runtime against the spec: verify-agent passes every check, and the
// contract's cases sent through `prism proxy` to serveAgent() show no violation either way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAgentHandler,
  createKnowledgeAgent,
  serveAgent,
  verifyAgent,
} from "../../src/caac-agent/index.js";
import { checkDrift, type DriftProxies, startDriftProxies } from "../support/drift.js";
import { contract } from "./cases.js";

const TOKEN = "contract-agent-token";

describe("caac-agent reference runtime", () => {
  let server: Awaited<ReturnType<typeof serveAgent>> | undefined;
  let proxies: DriftProxies | undefined;
  beforeAll(async () => {
    server = await serveAgent(createAgentHandler({ token: TOKEN, agent: createKnowledgeAgent() }), {
      port: 0,
    });
    // Every case goes through the pass-through proxy (one Prism): there the spec's example also
    // has its request checked, and the runtime's answers to wrong requests reach the test.
    proxies = await startDriftProxies("caac-agent", server.url.replace(/\/$/, ""), [{ negative: true }]);
  });
  afterAll(async () => {
    await proxies?.stop();
    await server?.close();
  });

  it("passes every verify-agent check", async () => {
    const report = await verifyAgent({
      url: `${server?.url}caac/ai-agent`,
      token: TOKEN,
      seed: 7,
      deadlineSeconds: 10,
    });
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.reason}`);
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("answers the spec's example as documented, through the validating proxy", async () => {
    const entry = contract.operations.ai_agent_reply;
    if (!entry) expect.fail("caac-agent: no ai_agent_reply case");
    const { findings, statuses } = await checkDrift(
      contract,
      { name: "ai_agent_reply", operationId: "ai_agent_reply", call: entry.call, negative: false },
      proxies as DriftProxies,
      TOKEN,
      "passThrough",
    );
    expect(findings).toEqual([]);
    expect(statuses).toEqual([200]);
  });

  for (const negative of contract.negatives) {
    it(`rejects ${negative.name} with a documented ${negative.status}, through the validating proxy`, async () => {
      const { findings, statuses } = await checkDrift(
        contract,
        { ...negative, negative: true, drop: negative.drop },
        proxies as DriftProxies,
        TOKEN,
      );
      expect(findings).toEqual([]);
      expect(statuses).toEqual([negative.status]);
    });
  }
});
