import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { TOKEN } from "../../test-support/caac-requests.js";
import { createFifthElementBridgeAgent, type FifthElementChat } from "../fifthelement-bridge.js";
import { createAgentHandler } from "../handler.js";
import { createKnowledgeAgent } from "../knowledge-agent.js";
import { serveAgent } from "../node/serve.js";
import { validateRequest } from "../spec.js";
import { CHECKS } from "./checks.js";
import { formatReport, formatReportJson, type VerifyReport } from "./report.js";
import { verifyAgent } from "./verify-agent.js";

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

const failed = (report: VerifyReport) => report.checks.filter((check) => !check.ok).map((check) => check.id);

describe("verifyAgent's target URL", () => {
  it("refuses a URL with credentials before any request, without quoting them", async () => {
    const calls: string[] = [];
    const record: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(null, { status: 500 });
    };
    for (const url of ["http://admin:hunter2-password@127.0.0.1:8810/", "https://hunter2-user@agent.test/"]) {
      const error = await verifyAgent({ url, token: TOKEN, fetch: record }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(/url must not include credentials \(user:password@\)/);
      expect(String(error)).not.toContain("hunter2");
    }
    expect(calls).toEqual([]);
  });

  it("refuses a URL that is not http(s), or not a URL, without quoting it", async () => {
    for (const url of [
      "ftp://u:hunter2@agent.test/",
      "file:///etc/hunter2",
      "hunter2 not a url",
      "/relative/hunter2",
    ]) {
      const error = await verifyAgent({ url, token: TOKEN }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(TypeError);
      expect(String(error), url).toMatch(/url must be an absolute http:\/\/ or https:\/\/ URL/);
      expect(String(error), url).not.toContain("hunter2");
    }
  });
});

describe("verifyAgent against our own runtime", () => {
  it("passes every check with the knowledge agent", async () => {
    const server = await serveAgent(createAgentHandler({ token: TOKEN, agent: createKnowledgeAgent() }), {
      port: 0,
    });
    closers.push(server.close);
    const report = await verifyAgent({ url: `${server.url}caac/ai-agent`, token: TOKEN, deadlineSeconds: 5 });
    expect(failed(report), formatReport(report)).toEqual([]);
    expect(report.checks.map((check) => check.id)).toEqual(Object.keys(CHECKS));
    expect(report.requests).toBeLessThan(60);
  });

  it("passes every check with the Fifth Element bridge (fake upstream)", async () => {
    let turn = 0;
    const chat: FifthElementChat = async (_slug, body) => ({
      response: `Upstream answer to: ${body.message.slice(0, 40)}`,
      conversationId: body.conversationId ?? `fe-${++turn}`,
    });
    const agent = createFifthElementBridgeAgent({ chat, slug: "support" });
    const server = await serveAgent(createAgentHandler({ token: TOKEN, agent }), { port: 0 });
    closers.push(server.close);
    const report = await verifyAgent({ url: server.url, token: TOKEN, deadlineSeconds: 5, seed: 42 });
    expect(failed(report), formatReport(report)).toEqual([]);
  });

  it("is deterministic for a seed and never prints the token", async () => {
    const sent: string[][] = [[], []];
    const run = async (index: 0 | 1) => {
      const record: typeof fetch = async (_url, init) => {
        sent[index]?.push(String(init?.body));
        return new Response(JSON.stringify({ reply_text: `token is ${TOKEN}` }), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      };
      return verifyAgent({ url: "http://agent.test/", token: TOKEN, seed: 7, fetch: record });
    };
    const [first] = await Promise.all([run(0), run(1)]);
    expect(sent[0]?.sort()).toEqual(sent[1]?.sort());
    expect(formatReport(first)).not.toContain(TOKEN);
    expect(formatReportJson(first)).not.toContain(TOKEN);
  });
});

type Defects = {
  anyToken?: boolean;
  serverErrorOnBadJson?: boolean;
  wrongShape?: boolean;
  slowMs?: number;
  ignoresVersion?: boolean;
  badMarker?: boolean;
  status422?: boolean;
  /** Answers requests whose only violations are of a JSON Schema `format`, as a tolerant reader does. */
  toleratesFormats?: boolean;
  /** Answers any JSON object with the right version and token, whatever its structure. */
  acceptsInvalid?: boolean;
  /** Answers every request with this status, this body, before looking at it. */
  fixed?: { status: number; body: string; headers?: Record<string, string> };
};

/** A plain node:http agent, correct unless told otherwise: the servers a customer might write. */
async function brokenServer(defects: Defects): Promise<string> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (defects.fixed) {
        res.writeHead(defects.fixed.status, { "content-type": "application/json", ...defects.fixed.headers });
        return res.end(defects.fixed.body);
      }
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!defects.anyToken && req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { error: "auth" });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(defects.serverErrorOnBadJson ? 500 : 400, { error: "json" });
      }
      const invalid = defects.status422 ? 422 : 400;
      const version = (body as { version?: unknown } | null)?.version;
      if (!defects.ignoresVersion && version !== "1.0") return send(invalid, { error: "version" });
      const formatOnly = () =>
        (validateRequest.errors ?? []).every((error: { keyword: string }) => error.keyword === "format");
      if (
        !validateRequest(body) &&
        !(defects.ignoresVersion && validateRequest({ ...(body as object), version: "1.0" })) &&
        !(defects.toleratesFormats && formatOnly()) &&
        !(defects.acceptsInvalid && typeof body === "object" && body !== null && !Array.isArray(body))
      ) {
        return send(invalid, { error: "schema" });
      }
      const reply = defects.badMarker ? "Connecting you <HUMAN HANDOVER>" : "Hello!";
      const answer = () => send(200, defects.wrongShape ? { reply } : { reply_text: reply });
      if (defects.slowMs) setTimeout(answer, defects.slowMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("verifyAgent against broken servers", () => {
  it("passes the reference server the broken ones are derived from", async () => {
    const report = await verifyAgent({ url: await brokenServer({}), token: TOKEN, deadlineSeconds: 5 });
    expect(failed(report), formatReport(report)).toEqual([]);
  });

  it("reports a server that accepts any token as ignored auth", async () => {
    const report = await verifyAgent({ url: await brokenServer({ anyToken: true }), token: TOKEN });
    expect(failed(report)).toEqual(["missing_token_rejected", "wrong_token_rejected"]);
    expect(report.checks.find((check) => check.id === "missing_token_rejected")?.reason).toMatch(
      /no Authorization header: got 200, expected 401/,
    );
  });

  it("reports a 500 on malformed JSON", async () => {
    const report = await verifyAgent({
      url: await brokenServer({ serverErrorOnBadJson: true }),
      token: TOKEN,
    });
    expect(failed(report)).toEqual(["malformed_json_rejected", "not_a_server_error"]);
  });

  it("reports a reply of the wrong shape", async () => {
    const report = await verifyAgent({ url: await brokenServer({ wrongShape: true }), token: TOKEN });
    expect(failed(report)).toEqual(["response_schema_conformance", "health_check_answered"]);
    expect(report.checks.find((check) => check.id === "response_schema_conformance")?.reason).toMatch(
      /must have required property 'reply_text'/,
    );
  });

  it("reports a server too slow for the deadline", async () => {
    const report = await verifyAgent({
      url: await brokenServer({ slowMs: 1000 }),
      token: TOKEN,
      deadlineSeconds: 0.3,
    });
    expect(failed(report)).toContain("max_response_time");
    expect(report.checks.find((check) => check.id === "max_response_time")?.reason).toMatch(
      /deadline 300 ms/,
    );
    expect(report.checks.find((check) => check.id === "seed_accepted")?.reason).toMatch(
      /no answer within 0.3 s/,
    );
    // Rejections are fast, so those checks still pass.
    expect(failed(report)).not.toContain("missing_token_rejected");
  });

  it("reports a server that ignores the version", async () => {
    const report = await verifyAgent({ url: await brokenServer({ ignoresVersion: true }), token: TOKEN });
    expect(failed(report)).toContain("unsupported_version_rejected");
    expect(failed(report)).not.toContain("seed_accepted");
  });

  it("reports a malformed handover marker", async () => {
    const report = await verifyAgent({ url: await brokenServer({ badMarker: true }), token: TOKEN });
    expect(failed(report)).toEqual(["handover_marker_well_formed"]);
  });

  it("reports undocumented status codes", async () => {
    const report = await verifyAgent({ url: await brokenServer({ status422: true }), token: TOKEN });
    expect(failed(report)).toEqual(["status_code_conformance"]);
  });

  it("reports an unreachable server on every check that needs an answer, without throwing", async () => {
    const report = await verifyAgent({ url: "http://127.0.0.1:9/", token: TOKEN, deadlineSeconds: 2 });
    expect(report.ok).toBe(false);
    expect(failed(report)).toContain("seed_accepted");
    expect(report.checks.find((check) => check.id === "seed_accepted")?.reason).toMatch(/request failed/);
  });

  it("does not demand that a tolerant reader reject format-only deviations", async () => {
    const report = await verifyAgent({ url: await brokenServer({ toleratesFormats: true }), token: TOKEN });
    expect(failed(report), formatReport(report)).toEqual([]);
    expect(CHECKS.negative_data_rejection).toMatch(/format-only deviations may be answered/);
  });

  it("still demands that structural violations be rejected", async () => {
    const report = await verifyAgent({ url: await brokenServer({ acceptsInvalid: true }), token: TOKEN });
    expect(failed(report)).toEqual(["negative_data_rejection"]);
    expect(report.checks.find((check) => check.id === "negative_data_rejection")?.reason).toMatch(
      /required property \w+ removed: got 200, expected 4xx/,
    );
  });
});

describe("verifyAgent against hostile servers", () => {
  it("redacts only whole tokens, so a short token does not garble the report", async () => {
    const report = await verifyAgent({ url: await brokenServer({}), token: "0", deadlineSeconds: 5 });
    expect(report.checks.find((check) => check.id === "seed_accepted")?.reason).toMatch(
      /^seed example: got 401, expected 200/,
    );
  });

  it("redacts an echoed token before truncating the body it is quoted from", async () => {
    const echo = JSON.stringify({ reply: `${"x".repeat(100)} ${TOKEN} ${"y".repeat(100)}` });
    const report = await verifyAgent({
      url: await brokenServer({ fixed: { status: 200, body: echo } }),
      token: TOKEN,
      generated: 1,
    });
    expect(failed(report)).toContain("response_schema_conformance");
    for (const output of [formatReport(report), formatReportJson(report)]) {
      expect(output).not.toContain(TOKEN.slice(0, 8));
    }
    expect(formatReport(report)).toContain("[token]");
  });

  it("reports a redirect as a finding and never judges the other origin's answer", async () => {
    const other = await brokenServer({});
    const report = await verifyAgent({
      url: await brokenServer({ fixed: { status: 302, body: "", headers: { location: other } } }),
      token: TOKEN,
      generated: 1,
    });
    expect(failed(report)).toContain("seed_accepted");
    expect(report.checks.find((check) => check.id === "seed_accepted")?.reason).toMatch(
      /answered 302 redirecting to .*; not followed/,
    );
  });

  it("fails the checks whose answers exceed the body cap, and stays bounded", async () => {
    const report = await verifyAgent({
      url: await brokenServer({
        fixed: { status: 200, body: JSON.stringify({ reply_text: "a".repeat(4096) }) },
      }),
      token: TOKEN,
      generated: 1,
      maxResponseBytes: 1024,
    });
    expect(report.checks.find((check) => check.id === "seed_accepted")?.reason).toMatch(
      /seed example: answered 200 with a body over the 1 KiB cap/,
    );
  });

  it("sends extra headers with every request and redacts their values", async () => {
    const seen = new Set<string>();
    const record: typeof fetch = async (_url, init) => {
      seen.add(new Headers(init?.headers).get("x-gateway-key") ?? "(none)");
      return new Response(JSON.stringify({ reply_text: "key gw-key-123 seen" }), { status: 500 });
    };
    const report = await verifyAgent({
      url: "http://agent.test/",
      token: TOKEN,
      headers: { "x-gateway-key": "gw-key-123" },
      fetch: record,
    });
    expect([...seen]).toEqual(["gw-key-123"]);
    expect(formatReportJson(report)).not.toContain("gw-key-123");
    await expect(
      verifyAgent({
        url: "http://agent.test/",
        token: TOKEN,
        headers: { Authorization: "x" },
        fetch: record,
      }),
    ).rejects.toThrow(/header Authorization is set by verify-agent itself/);
  });
});
