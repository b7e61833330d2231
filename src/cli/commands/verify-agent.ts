// `chat-agent-apis verify-agent <url>`: checks any CAAC Self Hosted AI Agent implementation
// against the spec and exits non-zero when a check fails.
import process from "node:process";
import { parseArgs } from "node:util";
import { CHECKS, formatReport, formatReportJson, verifyAgent } from "../../caac-agent/index.js";

export const usage = `usage: chat-agent-apis verify-agent <url> --token TOKEN [--json] [--seed N] [--deadline SECONDS]

Checks a CAAC Self Hosted AI Agent endpoint, in any language, against the spec. Sends under 60
requests, each with a timeout of the deadline. Exit code 0 when every check passes, 1 otherwise.

options:
  --token TOKEN         the bearer token configured in CAAC (also CAAC_AGENT_TOKEN; never printed)
  --json                print the report as JSON
  --seed N              seed of the generated requests (default 1); same seed, same requests
  --deadline SECONDS    longest acceptable answer time (default 45, CAAC's timeout)

checks:
${Object.entries(CHECKS)
  .map(([id, meaning]) => `  ${id.padEnd(30)}${meaning}`)
  .join("\n")}`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      token: { type: "string" },
      json: { type: "boolean", default: false },
      seed: { type: "string" },
      deadline: { type: "string" },
    },
    strict: true,
  });
  const [url, ...extra] = positionals;
  const fail = (message: string) => {
    process.stderr.write(`verify-agent: ${message}\n\n${usage}\n`);
    return 2;
  };
  if (url === undefined || extra.length > 0)
    return fail("give exactly one URL, the endpoint configured in CAAC.");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return fail(`"${url}" is not an http(s) URL.`);
  const token = values.token ?? process.env.CAAC_AGENT_TOKEN?.split(",")[0]?.trim();
  if (!token) return fail("a token is required: pass --token or set CAAC_AGENT_TOKEN.");
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    return fail(`--seed must be an integer, got "${values.seed}".`);
  const deadlineSeconds = values.deadline === undefined ? undefined : Number(values.deadline);
  if (deadlineSeconds !== undefined && !(deadlineSeconds > 0)) {
    return fail(`--deadline must be a positive number of seconds, got "${values.deadline}".`);
  }

  const report = await verifyAgent({
    url,
    token,
    ...(seed === undefined ? {} : { seed }),
    ...(deadlineSeconds === undefined ? {} : { deadlineSeconds }),
  });
  process.stdout.write(`${values.json ? formatReportJson(report) : formatReport(report)}\n`);
  return report.ok ? 0 : 1;
}
