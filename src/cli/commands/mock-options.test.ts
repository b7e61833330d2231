// The mock command's own options (the mocks themselves are tested in src/mock/): bad values are
// refused with the flag and the rule before anything starts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { run, WEBHOOK_TOKEN_ENV } from "./mock.js";

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

  it.each(["-5", "fast", "1.5"])("--stream-delay %s is refused", async (value) => {
    const { code, stderr } = await stderrOf([`--stream-delay=${value}`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(`--stream-delay must be a whole number of ms ≥ 0; got "${value}"`);
  });
});
