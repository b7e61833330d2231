// Imports the built package by its public names, as a user's code would, so a broken `exports`
// map, a missing build output, a name added to or dropped from a subpath, or a Node-only import in
// a portable module fails here.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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

// scripts/test builds dist/ first and sets REQUIRE_BUILT_PACKAGE, so there a failed build fails here.
const mustBeBuilt = process.env.REQUIRE_BUILT_PACKAGE === "1";

if (!built && mustBeBuilt)
  it("has the built package to import (dist/)", () => {
    expect.fail("dist/ is missing: `npm run build` failed (see its output above)");
  });
else if (!built)
  console.warn(
    "package-exports: skipped because dist/ is missing; `npm test` builds it first (npm run build)",
  );

/**
 * The exact runtime names of each subpath of package.json "exports". A change here is a change of
 * the public API: adding a name is a feature, removing or renaming one breaks users. Internals
 * (Prism process control, test helpers) must not appear.
 */
const PUBLIC_EXPORTS: Record<string, string[]> = {
  "chat-agent-apis": [
    "APIConnectionError",
    "APIConnectionTimeoutError",
    "APIError",
    "APIRedirectError",
    "APIUserAbortError",
    "AuthenticationError",
    "BadRequestError",
    "ChatAgentApiError",
    "ConflictError",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT_MS",
    "InternalServerError",
    "MalformedStreamError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "ValidationError",
  ],
  "chat-agent-apis/cavuer": [
    "CAVUER_DEFAULT_BASE_URL",
    "WIDGET_SCRIPT_SRC",
    "computeUserHash",
    "createCavuerClient",
    "escapeHtml",
    "validateSendMessage",
    "verifyUserHash",
    "widgetScriptTag",
  ],
  "chat-agent-apis/cavuer/widget-test-server": ["DEFAULT_USERS", "parseUsers", "startWidgetTestServer"],
  "chat-agent-apis/fifthelement": [
    "DEFAULT_MAX_DOCUMENT_PAGES",
    "MalformedStreamError",
    "STREAM_DONE",
    "chatChunks",
    "createFifthElementClient",
    "createKnowledgeHelpers",
    "readChatStream",
    "requireEventStream",
  ],
  "chat-agent-apis/caac": ["CAAC_BASE_URLS", "createCaacClient"],
  "chat-agent-apis/chataibot": [
    "CHATAIBOT_DEFAULT_BASE_URL",
    "DEFAULT_WEBHOOK_MAX_BODY_BYTES",
    "DEFAULT_WEBHOOK_MAX_WAIT_MS",
    "MAX_WEBHOOK_DRIFT_WARNINGS",
    "createChatAIBotClient",
    "createChatAIBotWebhookHandler",
  ],
  "chat-agent-apis/caac-agent": [
    "CAAC_TIMEOUT_SECONDS",
    "CHECKS",
    "DEADLINE_SAFETY_MARGIN_MS",
    "DEFAULT_CONVERSATION_TTL_SECONDS",
    "DEFAULT_DEADLINE_MS",
    "DEFAULT_FALLBACK",
    "DEFAULT_HANDOVER_TEXT",
    "DEFAULT_KNOWLEDGE",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MEMORY_STORE_MAX_ENTRIES",
    "DEFAULT_STORE_REPORT_INTERVAL_MS",
    "DEFAULT_STORE_TIMEOUT_MS",
    "HUMAN_HANDOVER",
    "SUPPORTED_VERSIONS",
    "asksForHuman",
    "createAgentHandler",
    "createFifthElementBridgeAgent",
    "createKnowledgeAgent",
    "createMemoryConversationStore",
    "formatReport",
    "formatReportJUnit",
    "formatReportJson",
    "handover",
    "indexKnowledge",
    "isHandover",
    "latestMemberText",
    "malformedMarkers",
    "parseKnowledge",
    "serveAgent",
    "verifyAgent",
  ],
  "chat-agent-apis/caac-agent/redis": [
    "DEFAULT_REDIS_CONNECT_TIMEOUT_MS",
    "DEFAULT_REDIS_KEY_PREFIX",
    "MAX_REDIS_VALUE_BYTES",
    "RedisStoreError",
    "createRedisConversationStore",
  ],
  "chat-agent-apis/mock": [
    "DEFAULT_MOCK_PORTS",
    "DEFAULT_STREAM_DELAY_MS",
    "MAX_STREAM_DELAY_MS",
    "MOCK_APIS",
    "PortInUseError",
    "STREAM_DELAY_HEADER",
    "defaultBotReply",
    "isMockApi",
    "startMocks",
    "startProxy",
  ],
};

/** The exact type-only names of each subpath (from its .d.ts): types are public API too. */
const PUBLIC_TYPES: Record<string, string[]> = {
  "chat-agent-apis": [
    "ClientOptions",
    "CrossOriginRedirects",
    "FetchLike",
    "Logger",
    "Page",
    "RedirectRefusal",
    "RequestOptions",
    "SSEEvent",
  ],
  "chat-agent-apis/cavuer": [
    "CavuerClient",
    "CavuerClientOptions",
    "SendMessageBody",
    "WidgetScriptTagOptions",
    "components",
    "operations",
    "paths",
  ],
  "chat-agent-apis/cavuer/widget-test-server": [
    "WidgetTestServer",
    "WidgetTestServerOptions",
    "WidgetTestUser",
    "WidgetTestUsers",
  ],
  "chat-agent-apis/fifthelement": [
    "ApiToken",
    "ChatInput",
    "ChatMetadata",
    "ChatReply",
    "CreateApiTokenInput",
    "CreateDocumentInput",
    "CreatedDocument",
    "Document",
    "FifthElementClient",
    "FifthElementClientOptions",
    "IterateDocumentsOptions",
    "Job",
    "JobStatus",
    "JobType",
    "KnowledgeHelpers",
    "Repository",
    "RerunJob",
    "components",
    "operations",
    "paths",
  ],
  "chat-agent-apis/caac": [
    "CaacClient",
    "CaacClientOptions",
    "CaacRegion",
    "Channel",
    "IterateOptions",
    "Team",
    "User",
    "components",
    "operations",
    "paths",
  ],
  "chat-agent-apis/chataibot": [
    "ChatAIBotClient",
    "ChatAIBotClientOptions",
    "ChatAIBotEvent",
    "ChatAIBotWebhookHandler",
    "ChatAIBotWebhookOptions",
    "ConversationCreatePayload",
    "KnownChatAIBotEventType",
    "KnownChatAIBotPayloads",
    "MessageExchangePayload",
    "SendVisitorMessageBody",
    "SendVisitorMessageResult",
    "StartConversationBody",
    "StartConversationResult",
    "TypedChatAIBotEvent",
    "UntypedChatAIBotEvent",
    "WebhookLogger",
    "WebhookRequestContext",
    "components",
    "operations",
    "paths",
  ],
  "chat-agent-apis/caac-agent": [
    "Agent",
    "AgentContext",
    "AgentHandlerOptions",
    "AgentReply",
    "AgentRequestBody",
    "AgentResponseBody",
    "AgentServer",
    "CheckId",
    "CheckResult",
    "Conversation",
    "ConversationMember",
    "ConversationMessage",
    "ConversationParticipants",
    "ConversationStore",
    "FallbackReason",
    "FifthElementBridgeOptions",
    "FifthElementChat",
    "KnowledgeAgentOptions",
    "KnowledgeEntry",
    "KnowledgeIndex",
    "Logger",
    "MemoryConversationStoreOptions",
    "Problem",
    "ServeOptions",
    "StoreHealthReport",
    "VerifyOptions",
    "VerifyReport",
  ],
  "chat-agent-apis/caac-agent/redis": ["RedisConversationStore", "RedisConversationStoreOptions"],
  "chat-agent-apis/mock": [
    "ChatAIBotMockEvent",
    "ChatAIBotWebhookOptions",
    "MockApi",
    "Mocks",
    "PrismServer",
    "StartMocksOptions",
    "StartProxyOptions",
  ],
};

/** Client entry points: they must run on Bun, Deno, browsers and edge runtimes, so no Node module. */
const PORTABLE_ENTRY_POINTS = [
  "index",
  "cavuer/index",
  "fifthelement/index",
  "caac/index",
  "chataibot/index",
];

describe.skipIf(!built)("the built package", () => {
  it("pins an export list for every subpath of package.json", () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `chat-agent-apis${subpath.slice(1)}`);
    expect(subpaths.sort()).toEqual(Object.keys(PUBLIC_EXPORTS).sort());
  });

  it.each(Object.entries(PUBLIC_EXPORTS))("exports exactly the public API of %s", (specifier, names) => {
    expect(importInNode(specifier)).toEqual([...names].sort());
  });

  it("declares exactly the public types of each subpath (its .d.ts, read by TypeScript)", () => {
    const expected = Object.fromEntries(
      Object.entries(PUBLIC_TYPES).map(([specifier, names]) => [specifier, [...names].sort()]),
    );
    expect(typeOnlyExports()).toEqual(expected);
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
      const handler = createChatAIBotWebhookHandler({ token: "whk-test-token-01", onEvent: (e) => { seen.push([e.typed, e.type]); }, logger: { warn() {}, error() {} } });
      const post = (body) => new Request("http://receiver.test/", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const handshake = await handler(post({ token: "whk-test-token-01" }));
      const events = [{ event: { type: "message_exchange", payload: { message: { type: "text", data: { body: "hi" } } } } }, { event: { type: "message_exchange", payload: { message: 1 } } }];
      const delivery = await handler(post({ token: "whk-test-token-01", events }));
      console.log(JSON.stringify([handshake.status, await handshake.json(), delivery.status, seen]));`;
    const out = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual([
      200,
      { token: "whk-test-token-01" },
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
    for (const entry of PORTABLE_ENTRY_POINTS) {
      const nodeOnly = nodeImportsReachableFrom(new URL(`dist/src/${entry}.js`, root));
      expect(nodeOnly, `dist/src/${entry}.js reaches Node-only modules`).toEqual([]);
    }
  });

  it("keeps Node-only modules out of createAgentHandler's module graph (serveAgent lives elsewhere)", () => {
    const index = new URL("dist/src/caac-agent/index.js", root);
    const handlerModule = moduleExporting("createAgentHandler", index);
    const nodeOnly = nodeImportsReachableFrom(handlerModule);
    expect(nodeOnly, `${handlerModule.pathname} reaches Node-only modules`).toEqual([]);
  });

  it("finds Node-only imports however they are written (the walk itself)", () => {
    const found = importsOf(
      [
        'import { a } from "./a.js";',
        'import "node:fs";',
        "import * as b from 'stream';",
        'export { c } from "node:http";',
        'const d = await import("crypto");',
        'import { e } from "node:net";',
        'import type_ from "not-a-builtin";',
      ].join("\n"),
    );
    expect(found).toEqual([
      "./a.js",
      "node:fs",
      "stream",
      "node:http",
      "crypto",
      "node:net",
      "not-a-builtin",
    ]);
    expect(found.filter(isNodeBuiltin)).toEqual(["node:fs", "stream", "node:http", "crypto", "node:net"]);
  });
});

/** Per subpath, the exported names that are types only (values are pinned at run time above). */
function typeOnlyExports(): Record<string, string[]> {
  const subpaths = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === "string" ? [] : [[subpath, (target as { types: string }).types] as const],
  );
  const files = subpaths.map(([, types]) => fileURLToPath(new URL(types, root)));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const result: Record<string, string[]> = {};
  subpaths.forEach(([subpath], i) => {
    const source = program.getSourceFile(files[i] ?? "");
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`TypeScript cannot read ${files[i]}`);
    result[`chat-agent-apis${subpath.slice(1)}`] = checker
      .getExportsOfModule(module)
      .filter((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return (target.flags & ts.SymbolFlags.Value) === 0;
      })
      .map((symbol) => symbol.name)
      .sort();
  });
  return result;
}

const NODE_BUILTINS = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || NODE_BUILTINS.has(specifier.split("/")[0] ?? specifier);
}

/** Every static import, re-export, side-effect import and literal dynamic import in `source`. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(
    /(?:^|\n)\s*(?:import|export)(?:[^'"]*?from)?\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
  )) {
    specifiers.push(match[1] ?? match[2] ?? "");
  }
  return specifiers;
}

/** The module that declares the export `name`, found by following `index`'s re-exports. */
function moduleExporting(name: string, index: URL): URL {
  const found = findDeclaringModule(name, index, new Set());
  if (!found) throw new Error(`${index.pathname} does not export ${name}`);
  return found;
}

function findDeclaringModule(name: string, module: URL, seen: Set<string>): URL | undefined {
  if (seen.has(module.href)) return undefined;
  seen.add(module.href);
  const source = readFileSync(module, "utf8");
  if (new RegExp(`export\\s+(?:async\\s+)?(?:function\\*?|const|let|class)\\s+${name}\\b`).test(source))
    return module;
  for (const match of source.matchAll(/export\s*(?:\*|\{([^}]*)\})\s*from\s*["']([^"']+)["']/g)) {
    const names = match[1]?.split(",").map((part) =>
      part
        .trim()
        .split(/\s+as\s+/)
        .pop(),
    );
    if (names && !names.includes(name)) continue;
    const found = findDeclaringModule(name, new URL(match[2] ?? "", module), seen);
    if (found) return found;
  }
  return undefined;
}

/** Follows relative static imports from `file` and lists every `node:` or bare Node builtin import. */
function nodeImportsReachableFrom(file: URL): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const source = readFileSync(url, "utf8");
    for (const specifier of importsOf(source)) {
      if (isNodeBuiltin(specifier)) found.push(`${url.pathname}: ${specifier}`);
      else if (specifier.startsWith(".")) visit(new URL(specifier, url));
    }
  };
  visit(file);
  return found;
}
