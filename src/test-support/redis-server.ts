// A throwaway redis-server for tests: a free loopback port, no persistence, stopped after use.
// Where redis-server is not installed, `redisServerMissing` says why, and suites skip with it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { freePort } from "../mock/free-port.js";

/** Why the real-Redis tests cannot run here, or undefined when they can. */
export const redisServerMissing: string | undefined = (() => {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return "redis-server is not on PATH (Debian: apt-get install -y redis-server; .ci/run installs it)";
  }
  return undefined;
})();

/** Prints the skip reason once per suite, so that a skipped real-Redis suite is never silent. */
export function announceRedisSkip(suite: string): void {
  if (redisServerMissing) console.warn(`skipped ${suite}: ${redisServerMissing}`);
}

/** A running redis-server. */
export type RedisServer = {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILLs it (a crash, not a shutdown) and resolves once it has exited. */
  kill(): Promise<void>;
};

// One freePort in the tree (src/mock's, which Prism needs too); re-exported for the Redis tests.
export { freePort };

/** Starts redis-server on a free loopback port; resolves once it accepts connections (10 s cap). */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  if (options.password !== undefined) args.push("--requirepass", options.password);
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start within 10 s:\n${log}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited during start-up:\n${log}`));
    });
  });
  const auth = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    process: child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
