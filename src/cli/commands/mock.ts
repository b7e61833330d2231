// `chat-agent-apis mock`: one Prism mock per vendor spec, up until SIGINT/SIGTERM.
import process, { stderr, stdout } from "node:process";
import { parseArgs } from "node:util";
import { DEFAULT_MOCK_PORTS, isMockApi, MOCK_APIS, type MockApi, startMocks } from "../../mock/index.js";
import { waitForStopSignal } from "../stop-signal.js";

export const usage = `usage: chat-agent-apis mock [api …] [--port api=N …] [--host address]

Starts a Prism mock server per vendor spec (all of them by default), answering every operation
with the spec's examples and validating each request (violations are reported in the
\`sl-violations\` response header). Prism ignores the specs' base paths: point a client at the
printed root URL. Stops every mock on Ctrl+C (SIGINT) or SIGTERM.

apis and default ports:
${MOCK_APIS.map((api) => `  ${api.padEnd(14)} ${DEFAULT_MOCK_PORTS[api]}`).join("\n")}

options:
  --port <api>=<n>   listen on port n for that API (repeatable; 0 picks a free port)
  --host <address>   interface to bind (default 127.0.0.1, this machine only)

Force a documented status with the \`Prefer: code=404\` request header, or an example with
\`Prefer: example=<name>\`.`;

function fail(message: string): number {
  stderr.write(`mock: ${message}\n\nRun \`chat-agent-apis mock --help\` for usage.\n`);
  return 2;
}

export async function run(args: string[]): Promise<number> {
  let values: { port?: string[]; host?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { port: { type: "string", multiple: true }, host: { type: "string" } },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  const unknown = positionals.filter((api) => !isMockApi(api));
  if (unknown.length > 0)
    return fail(`unknown API ${unknown.join(", ")}; expected any of ${MOCK_APIS.join(", ")}`);
  const apis = positionals.length > 0 ? (positionals as MockApi[]) : [...MOCK_APIS];
  const ports: Partial<Record<MockApi, number>> = {};
  for (const spec of values.port ?? []) {
    const match = /^([a-z-]+)=(\d+)$/.exec(spec);
    const api = match?.[1];
    const port = Number(match?.[2]);
    if (!match || !api || !isMockApi(api))
      return fail(`--port must be <api>=<n> with a known API; got "${spec}"`);
    if (!Number.isInteger(port) || port > 65535) return fail(`--port ${api}: ${match[2]} is not a port`);
    ports[api] = port;
  }

  stdout.write(`mock: starting ${apis.join(", ")}…\n`);
  let mocks: Awaited<ReturnType<typeof startMocks>>;
  try {
    mocks = await startMocks({ apis, ports, host: values.host ?? "127.0.0.1" });
  } catch (error) {
    stderr.write(`mock: ${(error as Error).message}\n`);
    return 1;
  }
  const rows = apis.map((api) => `  ${api.padEnd(14)} ${mocks.urls[api]}`);
  stdout.write(
    ["", "  API            URL", ...rows, "", "mock: ready. Press Ctrl+C to stop.", ""].join("\n"),
  );
  const signal = await waitForStopSignal();
  await mocks.stop();
  stdout.write(`mock: stopped (${signal})\n`);
  return 0;
}
