// `chat-agent-apis serve-agent` as a real child process for end-to-end tests: started on a free
// loopback port, its output kept for assertions, killed after the test.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach } from "vitest";

export type ServeAgentProcess = {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
};

/** Call at the top of a test file; returns `start(args, env)`. Children are SIGKILLed after each test. */
export function useServeAgentProcesses() {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });
  return async (args: string[], env: Record<string, string> = {}): Promise<ServeAgentProcess> => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "serve-agent", "--port", "0", ...args],
      { env: { ...process.env, CAAC_AGENT_TOKEN: "", ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let output = "";
    const append = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve-agent did not start in 30 s:\n${output}`)),
        30_000,
      );
      child.stdout?.on("data", () => {
        const match = /listening on (http:\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`serve-agent exited with ${code}:\n${output}`));
      });
    });
    return { child, url, exited, output: () => output };
  };
}
