// Imports the built package by its public names, as a user's code would, so a broken `exports`
// map, a missing build output or a Node-only import in a client module fails here.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  exports: Record<string, unknown>;
};
const built = existsSync(new URL("dist/src/index.js", root));

function importInNode(specifier: string): string[] {
  const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

if (!built)
  console.warn(
    "package-exports: skipped because dist/ is missing; `npm test` builds it first (npm run build)",
  );

describe.skipIf(!built)("the built package", () => {
  it.each([
    [
      "chat-agent-apis",
      ["APIError", "NotFoundError", "RateLimitError", "APIConnectionTimeoutError", "APIUserAbortError"],
    ],
    [
      "chat-agent-apis/cavuer",
      ["createCavuerClient", "computeUserHash", "verifyUserHash", "widgetScriptTag"],
    ],
    [
      "chat-agent-apis/fifthelement",
      ["createFifthElementClient", "MalformedStreamError", "createKnowledgeHelpers"],
    ],
    ["chat-agent-apis/caac", ["createCaacClient", "CAAC_BASE_URLS"]],
    ["chat-agent-apis/chataibot", ["createChatAIBotClient", "createChatAIBotWebhookHandler"]],
    [
      "chat-agent-apis/caac-agent",
      ["createAgentHandler", "serveAgent", "HUMAN_HANDOVER", "handover", "isHandover"],
    ],
    ["chat-agent-apis/caac-agent/redis", ["createRedisConversationStore", "DEFAULT_REDIS_KEY_PREFIX"]],
    ["chat-agent-apis/mock", ["startMocks"]],
    ["chat-agent-apis/cavuer/widget-test-server", ["startWidgetTestServer"]],
  ])("exports %s with its public API", (specifier, names) => {
    expect(importInNode(specifier)).toEqual(expect.arrayContaining(names));
  });

  it("answers with the agent handler where code generation from strings is forbidden (as on Workers)", () => {
    const script = `
      const { createAgentHandler } = await import("chat-agent-apis/caac-agent");
      const handler = createAgentHandler({ token: "t0ken-for-test", agent: () => "hello" });
      const body = { conversation_id: 7, messages: [{ text: "hi", timestamp: "2025-05-21T05:06:00Z" }], participants: { members: [] }, version: "1.0" };
      const ok = await handler(new Request("http://agent.test/", { method: "POST", headers: { authorization: "Bearer t0ken-for-test", "content-type": "application/json" }, body: JSON.stringify(body) }));
      const bad = await handler(new Request("http://agent.test/", { method: "POST", headers: { authorization: "Bearer t0ken-for-test", "content-type": "application/json" }, body: JSON.stringify({ ...body, version: "2.0" }) }));
      console.log(JSON.stringify([ok.status, await ok.json(), bad.status]));`;
    const out = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual([200, { reply_text: "hello" }, 400]);
  });

  it("answers with the ChatAIBot webhook receiver where code generation from strings is forbidden", () => {
    const script = `
      const { createChatAIBotWebhookHandler } = await import("chat-agent-apis/chataibot");
      const seen = [];
      const handler = createChatAIBotWebhookHandler({ token: "whk-test", onEvent: (e) => { seen.push([e.typed, e.type]); }, logger: { warn() {}, error() {} } });
      const post = (body) => new Request("http://receiver.test/", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const handshake = await handler(post({ token: "whk-test" }));
      const events = [{ event: { type: "message_exchange", payload: { message: { type: "text", data: { body: "hi" } } } } }, { event: { type: "message_exchange", payload: { message: 1 } } }];
      const delivery = await handler(post({ token: "whk-test", events }));
      console.log(JSON.stringify([handshake.status, await handshake.json(), delivery.status, seen]));`;
    const out = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual([
      200,
      { token: "whk-test" },
      200,
      [
        [true, "message_exchange"],
        [false, "message_exchange"],
      ],
    ]);
  });

  it("maps every subpath in package.json to a file that exists", () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue;
      const { types, default: js } = target as { types: string; default: string };
      expect(existsSync(new URL(js, root)), `${subpath} → ${js}`).toBe(true);
      expect(existsSync(new URL(types, root)), `${subpath} → ${types}`).toBe(true);
    }
  });

  it("keeps Node-only modules out of the client entry points (static import graph)", () => {
    for (const entry of ["index", "cavuer/index", "fifthelement/index", "caac/index", "chataibot/index"]) {
      const nodeOnly = nodeImportsReachableFrom(new URL(`dist/src/${entry}.js`, root));
      expect(nodeOnly, `dist/src/${entry}.js reaches Node-only modules`).toEqual([]);
    }
  });
});

const NODE_BUILTINS = new Set([
  "fs",
  "http",
  "https",
  "net",
  "child_process",
  "crypto",
  "events",
  "stream",
  "os",
  "path",
  "url",
]);

/** Follows relative static imports from `file` and lists every `node:` or bare Node builtin import. */
function nodeImportsReachableFrom(file: URL): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const source = readFileSync(url, "utf8");
    for (const match of source.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    )) {
      const specifier = match[1] ?? match[2] ?? "";
      if (specifier.startsWith("node:") || NODE_BUILTINS.has(specifier))
        found.push(`${url.pathname}: ${specifier}`);
      else if (specifier.startsWith(".")) visit(new URL(specifier, url));
    }
  };
  visit(file);
  return found;
}
