// `chat-agent-apis mock`: one Prism mock per vendor spec, up until SIGINT/SIGTERM.
import process, { stderr, stdout } from "node:process";
import { parseArgs } from "node:util";
import {
  DEFAULT_MOCK_PORTS,
  DEFAULT_STREAM_DELAY_MS,
  isMockApi,
  MAX_STREAM_DELAY_MS,
  MOCK_APIS,
  type MockApi,
  type StartMocksOptions,
  startMocks,
} from "../../mock/index.js";
import {
  EXIT_CODES_HELP,
  parseDuration,
  parseHost,
  parsePort,
  UsageError,
  withUsageErrors,
} from "../args.js";
import { waitForStopSignal } from "../stop-signal.js";

/** Where `--webhook chataibot=<url>` takes its token from (a flag would show in process lists). */
export const WEBHOOK_TOKEN_ENV = "CHATAIBOT_WEBHOOK_TOKEN";

/** The API column's width in the help and the start-up table: the longest name, plus a space. */
const API_COLUMN = Math.max(...MOCK_APIS.map((api) => api.length)) + 1;

export const usage = `usage: chat-agent-apis mock [api …] [--port api=N …] [--host address] [--verbose]
                           [--stream-delay duration] [--webhook chataibot=<url>]

Starts a Prism mock server per vendor spec (all of them by default), answering every operation
with the spec's examples and validating each request (violations are reported in the
\`sl-violations\` response header). Prism ignores the specs' base paths: point a client at the
printed root URL. Stops every mock on Ctrl+C (SIGINT) or SIGTERM, and the mocks stop by
themselves when this command dies in any other way (even SIGKILL).

apis and default ports:
${MOCK_APIS.map((api) => `  ${api.padEnd(API_COLUMN)} ${DEFAULT_MOCK_PORTS[api]}`).join("\n")}

options:
  --port <api>=<n>   listen on port n for that API (repeatable; 0 picks a free port)
  --host <address>   interface to bind (default 127.0.0.1, this machine only)
  --verbose          print Prism's request log, each line prefixed with its API
  --stream-delay <duration>
                     pause between two events of a mocked stream, such as 50ms or 1s (a bare
                     number is seconds; 0 for none; at most ${MAX_STREAM_DELAY_MS / 1000}s; default ${DEFAULT_STREAM_DELAY_MS}ms)
  --webhook chataibot=<url>
                     the ChatAIBot mock calls <url> back: a handshake at start, then a bot
                     reply event after each conversation start and visitor message; the
                     token comes from the ${WEBHOOK_TOKEN_ENV} environment variable

Lists page by cursor or offset and end; Fifth Element \`stream: true\` replies stream event by
event. Force a documented status with the \`Prefer: code=404\` request header, or an example with
\`Prefer: example=<name>\` (\`example=truncated\` or \`example=stalled\` for a broken stream).

${EXIT_CODES_HELP}`;

export function run(args: string[]): Promise<number> {
  return withUsageErrors("mock", () => serve(args));
}

async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: "string", multiple: true },
      host: { type: "string" },
      verbose: { type: "boolean", default: false },
      "stream-delay": { type: "string" },
      webhook: { type: "string", multiple: true },
    },
  });
  const unknown = positionals.filter((api) => !isMockApi(api));
  if (unknown.length > 0)
    throw new UsageError(`unknown API ${unknown.join(", ")}; expected any of ${MOCK_APIS.join(", ")}`);
  const apis = positionals.length > 0 ? (positionals as MockApi[]) : [...MOCK_APIS];
  const host = values.host === undefined ? "127.0.0.1" : parseHost(values.host);
  const ports: Partial<Record<MockApi, number>> = {};
  for (const spec of values.port ?? []) {
    const [api = "", value] = spec.split("=", 2);
    if (value === undefined || !isMockApi(api))
      throw new UsageError(
        `--port must be <api>=<n> with an API from ${MOCK_APIS.join(", ")}; got ${JSON.stringify(spec)}`,
      );
    if (!apis.includes(api))
      throw new UsageError(`--port ${spec}: ${api} is not being started (starting ${apis.join(", ")})`);
    ports[api] = parsePort(value, `--port ${api}`);
  }

  const streamDelay = values["stream-delay"];
  const streamDelayMs = streamDelay === undefined ? undefined : parseStreamDelay(streamDelay);
  const webhooks: NonNullable<StartMocksOptions["webhooks"]> = {};
  for (const spec of values.webhook ?? []) {
    const url = /^chataibot=(.+)$/.exec(spec)?.[1];
    if (!url) throw new UsageError(`--webhook must be chataibot=<url>; got "${spec}"`);
    const token = process.env[WEBHOOK_TOKEN_ENV];
    if (!token) throw new UsageError(`--webhook chataibot needs the webhook token in ${WEBHOOK_TOKEN_ENV}`);
    webhooks.chataibot = { url, token };
  }

  stdout.write(`mock: starting ${apis.join(", ")}…\n`);
  let mocks: Awaited<ReturnType<typeof startMocks>>;
  try {
    mocks = await startMocks({ apis, ports, host, verbose: values.verbose, streamDelayMs, webhooks });
  } catch (error) {
    stderr.write(`mock: ${(error as Error).message}\n`);
    return 1;
  }
  const rows = apis.map((api) => `  ${api.padEnd(API_COLUMN)} ${mocks.urls[api]}`);
  const heading = `  ${"API".padEnd(API_COLUMN)} URL`;
  stdout.write(["", heading, ...rows, "", "mock: ready. Press Ctrl+C to stop.", ""].join("\n"));
  const signal = await waitForStopSignal();
  await mocks.stop();
  stdout.write(`mock: stopped (${signal})\n`);
  return 0;
}

/**
 * `--stream-delay` as ms: a duration like every other flag's, except that 0 (in any unit) is
 * allowed, because an unpaced stream is what a fast test wants; capped like the mocks' option.
 */
function parseStreamDelay(value: string): number {
  if (/^\s*0*(\.0*)?\s*(ms|s|m)?\s*$/.test(value) && /\d/.test(value)) return 0;
  const ms = parseDuration(value, "--stream-delay");
  if (ms > MAX_STREAM_DELAY_MS) {
    throw new UsageError(
      `--stream-delay must be at most ${MAX_STREAM_DELAY_MS / 1000}s (${MAX_STREAM_DELAY_MS}ms); got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}
