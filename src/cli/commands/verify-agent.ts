// `chat-agent-apis verify-agent <url>`: checks any CAAC Self Hosted AI Agent implementation
// against the spec and exits non-zero when a check fails.
import { writeFile } from "node:fs/promises";
import process from "node:process";
import { parseArgs } from "node:util";
import {
  CHECKS,
  DEFAULT_MAX_RESPONSE_BYTES,
  formatReport,
  formatReportJson,
  formatReportJUnit,
  verifyAgent,
} from "../../caac-agent/index.js";
import { checkTargetUrl } from "../../caac-agent/verify/verify-agent.js";
import { EXIT, EXIT_CODES_HELP, parseDuration, UsageError, withUsageErrors } from "../args.js";

export const usage = `usage: chat-agent-apis verify-agent <url> [--json] [--junit FILE] [--seed N] [--deadline DURATION] [--header "Name: value" …]

Checks a CAAC Self Hosted AI Agent endpoint, in any language, against the spec. Sends under 60
requests, at most 4 at a time, each limited to the deadline and to a ${DEFAULT_MAX_RESPONSE_BYTES / 1024 / 1024} MiB body; follows no
redirect (a redirect is reported). The token is read from CAAC_AGENT_TOKEN (the first, when
comma-separated) and is never printed.

options:
  --token TOKEN          the bearer token instead of CAAC_AGENT_TOKEN (a flag shows in process lists)
  --json                 print the report as JSON
  --junit FILE           also write the report as JUnit XML to FILE (for CI)
  --seed N               seed of the generated requests (default 1); same seed, same requests
  --deadline DURATION    longest acceptable answer time, e.g. 45s or 500ms; a bare number
                         means seconds (default 45s, CAAC's timeout)
  --header "Name: value" an extra header for every request, e.g. an API gateway's key
                         (repeatable; its value is redacted like the token)

${EXIT_CODES_HELP}

checks:
${Object.entries(CHECKS)
  .map(([id, meaning]) => `  ${id.padEnd(30)}${meaning}`)
  .join("\n")}`;

/** `Name: value` → [name, value]; the name and the colon are required, the value may be empty. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  const name = colon === -1 ? "" : text.slice(0, colon).trim();
  // The text is not echoed: it may hold the very secret the header carries.
  if (name === "")
    throw new UsageError(
      `--header must look like "Name: value" (${colon === -1 ? "no colon" : "no name before the colon"})`,
    );
  return [name, text.slice(colon + 1).trim()];
}

export function run(args: string[]): Promise<number> {
  return withUsageErrors("verify-agent", async () => {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        token: { type: "string" },
        json: { type: "boolean", default: false },
        junit: { type: "string" },
        seed: { type: "string" },
        deadline: { type: "string" },
        header: { type: "string", multiple: true },
      },
    });
    const [url, ...extra] = positionals;
    if (url === undefined || extra.length > 0)
      throw new UsageError("give exactly one URL, the endpoint configured in CAAC");
    try {
      checkTargetUrl(url);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const token = values.token ?? process.env.CAAC_AGENT_TOKEN?.split(",")[0]?.trim();
    if (!token) throw new UsageError("a token is required: set CAAC_AGENT_TOKEN (or pass --token)");
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !(/^-?\d+$/.test(values.seed ?? "") && Number.isSafeInteger(seed)))
      throw new UsageError(`--seed must be an integer, got ${JSON.stringify(values.seed)}`);
    const deadlineSeconds =
      values.deadline === undefined ? undefined : parseDuration(values.deadline, "--deadline") / 1000;
    const headers: Record<string, string> = {};
    for (const header of values.header ?? []) {
      const [name, value] = parseHeader(header);
      headers[name] = value;
    }
    if (values.junit === "") throw new UsageError("--junit needs a file name");

    let report: Awaited<ReturnType<typeof verifyAgent>>;
    try {
      report = await verifyAgent({
        url,
        token,
        headers,
        ...(seed === undefined ? {} : { seed }),
        ...(deadlineSeconds === undefined ? {} : { deadlineSeconds }),
      });
    } catch (error) {
      // verifyAgent throws only for its options (a reserved or malformed --header).
      if (error instanceof TypeError) throw new UsageError(`--header: ${error.message}`);
      throw error;
    }
    process.stdout.write(`${values.json ? formatReportJson(report) : formatReport(report)}\n`);
    if (values.junit !== undefined) {
      try {
        await writeFile(values.junit, formatReportJUnit(report));
      } catch (error) {
        process.stderr.write(
          `verify-agent: cannot write --junit ${values.junit}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
        );
        return EXIT.failure;
      }
    }
    return report.ok ? EXIT.ok : EXIT.failure;
  });
}
