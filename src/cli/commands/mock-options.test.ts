// The mock command's own options (the mocks themselves are tested in src/mock/): bad values are
// refused with the flag and the rule before anything starts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MOCK_APIS, type StartMocksOptions } from "../../mock/index.js";
import { run, usage, WEBHOOK_TOKEN_ENV } from "./mock.js";

// startMocks is replaced by a recorder that "starts" instantly, and the stop signal comes at once,
// so the command runs to its end without Prism.
const started = vi.hoisted(() => ({ options: [] as unknown[] }));
vi.mock("../../mock/index.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../mock/index.js")>()),
  startMocks: async (options: { apis: string[] }) => {
    started.options.push(options);
    return {
      urls: Object.fromEntries(options.apis.map((api, i) => [api, `http://127.0.0.1:${5000 + i}`])),
      settled: async () => {},
      stop: async () => {},
    };
  },
}));
vi.mock("../stop-signal.js", () => ({ waitForStopSignal: async () => "SIGINT" }));

describe("chat-agent-apis mock options", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const stderrOf = async (args: string[]) => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    const code = await run(args);
    return { code, stderr: writes.join("") };
  };

  it("--webhook chataibot=<url> needs the token in the environment, never as a flag", async () => {
    vi.stubEnv(WEBHOOK_TOKEN_ENV, "");
    const { code, stderr } = await stderrOf([
      "chataibot",
      "--webhook",
      "chataibot=http://127.0.0.1:3000/hook",
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(`--webhook chataibot needs the webhook token in ${WEBHOOK_TOKEN_ENV}`);
  });

  it("--webhook accepts only chataibot=<url>", async () => {
    const { code, stderr } = await stderrOf(["--webhook", "cavuer=http://127.0.0.1:3000/hook"]);
    expect(code).toBe(2);
    expect(stderr).toMatch('--webhook must be chataibot=<url>; got "cavuer=http://127.0.0.1:3000/hook"');
  });

  const startedWith = async (args: string[]) => {
    started.options = [];
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const { code } = await stderrOf(args);
    expect(code).toBe(0);
    return started.options[0] as StartMocksOptions;
  };

  it.each([
    ["1s", 1_000],
    ["500ms", 500],
    ["1.5", 1_500],
    ["0.05s", 50],
    ["1m", 60_000],
    ["0", 0],
    ["0ms", 0],
  ])(
    "--stream-delay %s is a duration like every other (a bare number is seconds): %d ms",
    async (value, ms) => {
      expect((await startedWith(["cavuer", "--stream-delay", value])).streamDelayMs).toBe(ms);
    },
  );

  it.each(["-5", "fast", "50 parsecs"])("--stream-delay %s is refused, naming the form", async (value) => {
    const { code, stderr } = await stderrOf([`--stream-delay=${value}`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(`--stream-delay must be a positive duration such as 45s, 500ms or 1.5m`);
  });

  it("--stream-delay over a minute is refused, naming the limit", async () => {
    const { code, stderr } = await stderrOf(["--stream-delay", "61s"]);
    expect(code).toBe(2);
    expect(stderr).toMatch('--stream-delay must be at most 60s (60000ms); got "61s"');
  });
});

/** The column at which the text after each line's first word starts, for lines naming an API. */
const secondColumns = (text: string) =>
  text
    .split("\n")
    .filter((line) => (MOCK_APIS as readonly string[]).includes(line.trim().split(/\s+/)[0] ?? ""))
    .map((line) => /^\s*\S+\s+/.exec(line)?.[0].length);

describe("chat-agent-apis mock output", () => {
  afterEach(() => vi.restoreAllMocks());

  it("--help lists every API with its port in one aligned column", () => {
    const columns = secondColumns(usage);
    expect(columns).toHaveLength(MOCK_APIS.length);
    expect(new Set(columns).size).toBe(1);
  });

  it("the start-up table aligns every URL, chataibot-webhook's included, under the URL heading", async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    expect(await run([])).toBe(0);
    const output = writes.join("");
    const heading = output.split("\n").find((line) => line.trim().startsWith("API"));
    const columns = secondColumns(output);
    expect(columns).toHaveLength(MOCK_APIS.length);
    expect(new Set([...columns, heading?.indexOf("URL")])).toEqual(new Set([columns[0]]));
  });
});
