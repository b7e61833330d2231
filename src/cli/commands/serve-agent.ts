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
  type Logger,
  serveAgent,
} from "../../caac-agent/index.js";
import type { ConversationStore } from "../../caac-agent/store.js";
import { describeStoreReport, openConversationStore } from "../../caac-agent/store-url.js";
import { createTokenChecker } from "../../caac-agent/token.js";
import {
  EXIT_CODES_HELP,
  parseDuration,
  parseHost,
  parsePort,
  UsageError,
  withUsageErrors,
} from "../args.js";
import { waitForStopSignal } from "../stop-signal.js";

export const usage = `usage: chat-agent-apis serve-agent --token TOKEN [options]

Serves a CAAC Self Hosted AI Agent endpoint (POST, any path) until SIGINT/SIGTERM.

options:
  --port N              port to listen on (default 8787; 0 picks a free one)
  --host HOST           interface to bind (default 127.0.0.1; only 0.0.0.0 or :: for all)
  --token TOKEN         bearer token configured in CAAC; repeat while rotating
                        (prefer CAAC_AGENT_TOKEN, comma-separated: a flag shows in process lists)
  --deadline DURATION   answer with the fallback after this long, e.g. 40s or 500ms; a bare
                        number means seconds (default 40s, under CAAC's 45 s)
                        (--deadline-ms N still works, with a deprecation note: use --deadline Nms)
  --log-format FORMAT   text (default) or json: one JSON object per line on stderr
                        (time, level, message and the details), for log collectors
  --knowledge FILE      Markdown knowledge file ("## Question" then the answer) for the
                        default knowledge agent (default: a built-in example shop)
  --bridge fifthelement forward conversations to a Fifth Element AI agent instead; needs
                        --slug (or FIFTHELEMENT_SLUG), FIFTHELEMENT_API_KEY, FIFTHELEMENT_BASE_URL
  --slug SLUG           the Fifth Element agent --bridge forwards to (default: FIFTHELEMENT_SLUG)
  --store URL           where the bridge keeps its conversation map: memory (default) or
                        redis://[:password@]host:port, shared by replicas (prefer
                        CAAC_AGENT_STORE_URL: a flag shows in process lists)

${EXIT_CODES_HELP}`;

/** Runs the server; resolves with the exit code once it has stopped. */
export function run(args: string[]): Promise<number> {
  return withUsageErrors("serve-agent", () => serve(args));
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string", multiple: true },
      deadline: { type: "string" },
      "deadline-ms": { type: "string" },
      knowledge: { type: "string" },
      bridge: { type: "string" },
      slug: { type: "string" },
      store: { type: "string" },
      "log-format": { type: "string", default: "text" },
    },
  });
  const tokens = [...(values.token ?? []), ...(process.env.CAAC_AGENT_TOKEN ?? "").split(",")]
    .map((token) => token.trim())
    .filter((token) => token !== "");
  if (tokens.length === 0)
    throw new UsageError("a token is required: set CAAC_AGENT_TOKEN (or pass --token)");
  try {
    // The handler's own token rules, checked here so a bad token is a usage error, not a crash.
    createTokenChecker(tokens);
  } catch (error) {
    const rule = (error instanceof Error ? error.message : String(error)).replace(
      /^createAgentHandler: /,
      "",
    );
    throw new UsageError(`--token / CAAC_AGENT_TOKEN: ${rule}`);
  }
  const port = parsePort(values.port);
  const host = parseHost(values.host);
  if (values.deadline !== undefined && values["deadline-ms"] !== undefined)
    throw new UsageError("give --deadline or the deprecated --deadline-ms, not both");
  let deadlineMs = values.deadline === undefined ? undefined : parseDuration(values.deadline, "--deadline");
  if (values["deadline-ms"] !== undefined) {
    if (!/^\d+$/.test(values["deadline-ms"]))
      throw new UsageError(
        `--deadline-ms must be a whole number of milliseconds, got ${JSON.stringify(values["deadline-ms"])}`,
      );
    deadlineMs = parseDuration(`${values["deadline-ms"]}ms`, "--deadline-ms");
    process.stderr.write(
      `serve-agent: --deadline-ms is deprecated; use --deadline ${values["deadline-ms"]}ms (every duration flag takes a unit; a bare number means seconds)\n`,
    );
  }
  const logFormat = values["log-format"];
  if (logFormat !== "text" && logFormat !== "json")
    throw new UsageError(`--log-format must be "text" or "json", got ${JSON.stringify(logFormat)}`);

  let agent: Agent;
  let description: string;
  let store: ConversationStore | undefined;
  if (values.bridge !== undefined) {
    if (values.bridge !== "fifthelement")
      throw new UsageError(
        `unknown --bridge ${JSON.stringify(values.bridge)}; the only bridge is "fifthelement"`,
      );
    const slug = values.slug ?? process.env.FIFTHELEMENT_SLUG;
    const apiKey = process.env.FIFTHELEMENT_API_KEY;
    const baseUrl = process.env.FIFTHELEMENT_BASE_URL;
    const missing = [
      slug ? "" : "--slug (or FIFTHELEMENT_SLUG)",
      apiKey ? "" : "FIFTHELEMENT_API_KEY",
      baseUrl ? "" : "FIFTHELEMENT_BASE_URL",
    ].filter(Boolean);
    if (!slug || !apiKey || !baseUrl)
      throw new UsageError(`--bridge fifthelement needs ${missing.join(", ")}`);
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
    const knowledge = values.knowledge === undefined ? undefined : await readKnowledge(values.knowledge);
    agent = createKnowledgeAgent(knowledge === undefined ? {} : { knowledge });
    description = `knowledge agent (${values.knowledge ?? "built-in example knowledge"})`;
  }

  const logger = stderrLogger(logFormat);
  const handler = createAgentHandler({
    tokens,
    agent,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    logger,
  });
  const server = await serveAgent(handler, { port, host, logger });
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

// What a failed read of --knowledge means to the user; any other code is shown as it is.
const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/** The --knowledge file's text; a file that cannot be read is a usage error naming the flag and the path. */
async function readKnowledge(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--knowledge: cannot read ${path} (${READ_FAILURES[code] ?? code})`);
  }
}

/**
 * The handler's logger, on stderr (stdout carries the command's own messages). The handler
 * redacts tokens before anything reaches a logger.
 */
function stderrLogger(format: "text" | "json"): Logger {
  const write =
    (level: "error" | "warn" | "info") =>
    (message: string, details: Record<string, unknown> = {}): void => {
      const line =
        format === "json"
          ? JSON.stringify({ time: new Date().toISOString(), level, message, ...details })
          : `${level} ${message} ${JSON.stringify(details)}`;
      process.stderr.write(`${line}\n`);
    };
  return { error: write("error"), warn: write("warn"), info: write("info") };
}
