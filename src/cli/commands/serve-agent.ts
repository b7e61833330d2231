// `chat-agent-apis serve-agent`: serves a CAAC Self Hosted AI Agent with one of the reference
// agents until SIGINT/SIGTERM, then shuts down gracefully.
import { readFile } from "node:fs/promises";
import process from "node:process";
import { parseArgs } from "node:util";
import {
  type Agent,
  createAgentHandler,
  createFifthElementBridgeAgent,
  createKnowledgeAgent,
  serveAgent,
} from "../../caac-agent/index.js";
import type { ConversationStore } from "../../caac-agent/store.js";
import { describeStoreReport, openConversationStore } from "../../caac-agent/store-url.js";
import { waitForStopSignal } from "../stop-signal.js";

export const usage = `usage: chat-agent-apis serve-agent --token TOKEN [options]

Serves a CAAC Self Hosted AI Agent endpoint (POST, any path) until SIGINT/SIGTERM.

options:
  --port N              port to listen on (default 8787; 0 picks a free one)
  --host HOST           interface to bind (default 127.0.0.1; 0.0.0.0 for all)
  --token TOKEN         bearer token configured in CAAC; repeat while rotating
                        (prefer CAAC_AGENT_TOKEN, comma-separated: a flag shows in process lists)
  --deadline-ms N       answer with the fallback after N ms (default 40000, under CAAC's 45 s)
  --knowledge FILE      Markdown knowledge file ("## Question" then the answer) for the
                        default knowledge agent (default: a built-in example shop)
  --bridge fifthelement forward conversations to a Fifth Element AI agent instead; needs
                        --slug (or FIFTHELEMENT_SLUG), FIFTHELEMENT_API_KEY, FIFTHELEMENT_BASE_URL
  --store URL           where the bridge keeps its conversation map: memory (default) or
                        redis://[:password@]host:port, shared by replicas (prefer
                        CAAC_AGENT_STORE_URL: a flag shows in process lists)`;

/** Runs the server; resolves with the exit code once it has stopped. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string", multiple: true },
      "deadline-ms": { type: "string" },
      knowledge: { type: "string" },
      bridge: { type: "string" },
      slug: { type: "string" },
      store: { type: "string" },
    },
    strict: true,
  });
  const tokens = [...(values.token ?? []), ...(process.env.CAAC_AGENT_TOKEN ?? "").split(",")]
    .map((token) => token.trim())
    .filter((token) => token !== "");
  if (tokens.length === 0) {
    process.stderr.write(
      `serve-agent: a token is required: pass --token or set CAAC_AGENT_TOKEN.\n\n${usage}\n`,
    );
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`serve-agent: --port must be an integer from 0 to 65535, got "${values.port}".\n`);
    return 2;
  }
  const deadlineMs = values["deadline-ms"] === undefined ? undefined : Number(values["deadline-ms"]);

  let agent: Agent;
  let description: string;
  let store: ConversationStore | undefined;
  if (values.bridge !== undefined) {
    if (values.bridge !== "fifthelement") {
      process.stderr.write(
        `serve-agent: unknown --bridge "${values.bridge}"; the only bridge is "fifthelement".\n`,
      );
      return 2;
    }
    const slug = values.slug ?? process.env.FIFTHELEMENT_SLUG;
    const apiKey = process.env.FIFTHELEMENT_API_KEY;
    const baseUrl = process.env.FIFTHELEMENT_BASE_URL;
    const missing = [
      slug ? "" : "--slug (or FIFTHELEMENT_SLUG)",
      apiKey ? "" : "FIFTHELEMENT_API_KEY",
      baseUrl ? "" : "FIFTHELEMENT_BASE_URL",
    ].filter(Boolean);
    if (!slug || !apiKey || !baseUrl) {
      process.stderr.write(`serve-agent: --bridge fifthelement needs ${missing.join(", ")}.\n`);
      return 2;
    }
    const warn = (line: string) => process.stderr.write(`serve-agent: ${line}\n`);
    let opened: Awaited<ReturnType<typeof openConversationStore>>;
    try {
      opened = await openConversationStore(values.store ?? process.env.CAAC_AGENT_STORE_URL, warn);
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
      return 2;
    }
    store = opened.store;
    const { createFifthElementClient } = await import("../../fifthelement/index.js");
    const client = createFifthElementClient({ apiKey, baseUrl });
    agent = createFifthElementBridgeAgent({
      chat: (s, body, options) => client.chat(s, body, options),
      slug,
      ...(store ? { store } : {}),
      onStoreReport: (report) => warn(describeStoreReport(report)),
      onError: (error) =>
        process.stderr.write(
          `serve-agent: Fifth Element failed, handed over: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
    });
    description = `bridge to Fifth Element agent "${slug}" at ${baseUrl} (conversations in ${opened.description})`;
  } else {
    if (values.store !== undefined) {
      process.stderr.write("serve-agent: --store applies to --bridge fifthelement only.\n");
      return 2;
    }
    const knowledge = values.knowledge === undefined ? undefined : await readFile(values.knowledge, "utf8");
    agent = createKnowledgeAgent(knowledge === undefined ? {} : { knowledge });
    description = `knowledge agent (${values.knowledge ?? "built-in example knowledge"})`;
  }

  const handler = createAgentHandler({
    tokens,
    agent,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    logger: {
      error: (message, details) => process.stderr.write(`${message} ${JSON.stringify(details ?? {})}\n`),
      warn: (message, details) => process.stderr.write(`${message} ${JSON.stringify(details ?? {})}\n`),
    },
  });
  const server = await serveAgent(handler, { port, host: values.host });
  process.stdout.write(
    `serve-agent: listening on ${server.url} (POST, any path) with the ${description}; ` +
      `${tokens.length} token(s). Stop with Ctrl-C.\n`,
  );

  const signal = await waitForStopSignal();
  process.stdout.write(`serve-agent: ${signal} received, finishing in-flight requests…\n`);
  await server.close();
  await store?.close();
  process.stdout.write("serve-agent: stopped.\n");
  return 0;
}
