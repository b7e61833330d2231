// The argument rules every command shares: how a bad option is reported (one line, a hint, exit
// code 2), and what a host, a port and a duration look like. One place, so that `--host ""`
// (what `--host "$BIND"` gives with BIND unset) is refused everywhere instead of binding every
// interface, and every duration flag reads the same way.
import { isIP } from "node:net";
import { stderr } from "node:process";

/** Exit codes of every command: 0 ok, 1 a failure (a check failed, a port was taken…), 2 a usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The exit-code paragraph of every --help. */
export const EXIT_CODES_HELP = `exit codes:
  0  success
  1  failure (a check failed, the server could not start, …)
  2  usage error (an unknown option, a missing or invalid value)`;

/** A mistake in the command line: reported as one line and a hint, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Prints `<command>: <message>` and the hint to run --help; returns the usage exit code. */
export function reportUsageError(command: string, message: string): number {
  stderr.write(`${command}: ${message}\nRun \`chat-agent-apis ${command} --help\` for usage.\n`);
  return EXIT.usage;
}

/**
 * Runs a command's body, turning a {@link UsageError} (or node:util's parseArgs errors, which
 * are usage errors too) into the one-line report and exit code 2.
 */
export async function withUsageErrors(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(command, error.message);
    const parseError = parseArgsMessage(error);
    if (parseError !== undefined) return reportUsageError(command, parseError);
    throw error;
  }
}

/** node:util parseArgs' error as one short line, or undefined for any other error. */
function parseArgsMessage(error: unknown): string | undefined {
  if (!(error instanceof TypeError) || !("code" in error)) return undefined;
  const code = String(error.code);
  if (!code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const option = /'([^']+)'/.exec(error.message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && option)
    return `unexpected argument ${JSON.stringify(option)}`;
  if (/ambiguous/.test(error.message) && option)
    return `${option} needs a value; write a value that starts with a dash as ${option}=-…`;
  return error.message.split("\n")[0];
}

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** `value` as an interface to bind: an IPv4 or IPv6 address or a host name; never empty. */
export function parseHost(value: string, flag = "--host"): string {
  if (value.trim() === "")
    throw new UsageError(
      `${flag} is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
    );
  const host = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  if (isIP(host) === 0 && !HOSTNAME.test(host))
    throw new UsageError(`${flag} must be an IP address or a host name, got ${JSON.stringify(value)}`);
  if (host !== "0.0.0.0" && host !== "::" && isWildcard(host))
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} means every interface; write 0.0.0.0 (or ::) to expose the server, or 127.0.0.1 for this machine only`,
    );
  return host;
}

/**
 * Whether `host` parses to the unspecified address. The resolver behind listen() reads `0`, `0.0`,
 * `0x0` or `00` as 0.0.0.0 (inet_aton's forms), and `::0` is `::`; the WHATWG URL parser
 * normalises the same forms, so its canonical host name tells.
 */
function isWildcard(host: string): boolean {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  if (!URL.canParse(`http://${bracketed}/`)) return false;
  const canonical = new URL(`http://${bracketed}/`).hostname;
  return canonical === "0.0.0.0" || canonical === "[::]";
}

/** `value` as a TCP port: decimal digits only (no sign, no surrounding space), 0 (any free port) to 65535. */
export function parsePort(value: string, flag = "--port"): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535)
    throw new UsageError(
      `${flag} must be an integer from 0 to 65535 (0 picks a free port), got ${JSON.stringify(value)}`,
    );
  return port;
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/**
 * `value` as a duration in milliseconds. Every duration flag takes the same form: a number with
 * a unit (`500ms`, `45s`, `1.5m`), or a bare number, which means seconds.
 */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)?$/.exec(value.trim());
  const amount = Number(match?.[1]);
  const unit = (match?.[2] ?? "s") as keyof typeof UNIT_MS;
  const ms = amount * UNIT_MS[unit];
  if (!match || !(ms > 0) || !Number.isFinite(ms))
    throw new UsageError(
      `${flag} must be a positive duration such as 45s, 500ms or 1.5m (a bare number means seconds), got ${JSON.stringify(value)}`,
    );
  return ms;
}
