// `chat-agent-apis widget-test-server`: serves pages that embed the real Cavuer widget as John,
// Anna, a guest, and with a wrong hash, so a user can check identification with their own secret.
import { readFile } from "node:fs/promises";
import { env, stderr, stdout } from "node:process";
import { parseArgs } from "node:util";
import { DEFAULT_USERS, parseUsers, startWidgetTestServer } from "../../cavuer/widget-test-server.js";
import { EXIT_CODES_HELP, parseHost, parsePort, reportUsageError, withUsageErrors } from "../args.js";
import { waitForStopSignal } from "../stop-signal.js";

export const usage = `usage: chat-agent-apis widget-test-server --token wgt_… [options]

Serves a local site that embeds the Cavuer widget as identified users (data-user-id and an
HMAC-SHA256 data-user-hash), as an anonymous guest, and with a wrong hash (the message must
not be sent), so you can check widget user identification end to end.

options:
  --token <wgt_…>     the widget's public token (Cavuer dashboard → Widget channel → Installation)
  --port <n>          port to listen on (default 3000; 0 picks a free one)
  --host <address>    interface to bind (default 127.0.0.1, this machine only)
  --users <file>      JSON file mapping a page key to {"id": "…", "name": "…"} or null (a guest);
                      default: john (john@example.com), anna (anna@example.com), guest
  --widget-src <url>  embed script URL (default https://widget.cavuer.com/embed.js)

environment:
  CAVUER_SECRET_KEY   the widget's Secret Key (Widget channel → Security). Required. Read only
                      from the environment so it stays out of shell history and process lists;
                      it is never printed and never sent to the browser.

Add the printed host:port to the widget's allowed domains (Security section) first.

${EXIT_CODES_HELP}`;

function fail(message: string): number {
  return reportUsageError("widget-test-server", message);
}

async function loadUsers(path: string) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read --users file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`--users file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseUsers(json, `--users file ${path}`);
}

export function run(args: string[]): Promise<number> {
  return withUsageErrors("widget-test-server", () => serve(args));
}

async function serve(args: string[]): Promise<number> {
  const secretFlag = args.find((arg) => /^--secret|^--sk\b|^--key\b/i.test(arg));
  if (secretFlag) {
    return fail(
      `${secretFlag.split("=")[0]} is not an option: the Secret Key is read only from the CAVUER_SECRET_KEY environment variable, so it never lands in shell history or process lists`,
    );
  }
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      token: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      users: { type: "string" },
      "widget-src": { type: "string" },
    },
  });

  const token = values.token?.trim();
  if (!token)
    return fail("--token is required: the widget's public token (wgt_…) from the Installation section");
  const secretKey = env.CAVUER_SECRET_KEY ?? "";
  if (secretKey.trim() === "") {
    return fail(
      "CAVUER_SECRET_KEY is not set: export the widget's Secret Key from the Cavuer dashboard (Widget channel → Security), e.g. `read -rs CAVUER_SECRET_KEY && export CAVUER_SECRET_KEY`",
    );
  }
  const port = values.port === undefined ? 3000 : parsePort(values.port);
  const host = values.host === undefined ? "127.0.0.1" : parseHost(values.host);

  let users = DEFAULT_USERS;
  if (values.users !== undefined) {
    try {
      users = await loadUsers(values.users);
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  let server: Awaited<ReturnType<typeof startWidgetTestServer>>;
  try {
    server = await startWidgetTestServer({
      token,
      secretKey,
      users,
      port,
      host,
      widgetSrc: values["widget-src"],
    });
  } catch (error) {
    // Invalid options are usage errors (2); failing to listen is an environment error (1).
    if (error instanceof TypeError) return fail(error.message);
    stderr.write(`widget-test-server: ${(error as Error).message}\n`);
    return 1;
  }

  const origin = new URL(server.url).host;
  stdout.write(
    [
      `Widget test server running: ${server.url}`,
      `Add ${origin} to the widget's allowed domains in the Cavuer dashboard (Widget channel → Security),`,
      `then open ${server.url} and pick a user. Press Ctrl+C to stop.`,
      "",
    ].join("\n"),
  );
  const signal = await waitForStopSignal();
  await server.close();
  stdout.write(`widget-test-server: stopped (${signal})\n`);
  return 0;
}
