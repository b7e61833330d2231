/**
 * Starts a benchmark server in its own Node process (so its RSS and CPU are its own) and talks to
 * it over IPC: the child announces its port, answers RSS queries, and exits when told to.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** Messages a server child sends. */
export type ChildMessage = { type: "listening"; port: number } | { type: "rss"; rss: number };

/** A running server child. */
export interface ServerChild {
  url: string;
  port: number;
  /** The child's resident set size in bytes, measured now. */
  rss(): Promise<number>;
  /** Asks the child to exit and waits for it. */
  stop(): Promise<void>;
}

/**
 * Runs `bench/servers/<name>` with `args`; resolves once it listens. Under tsx the `.ts` source runs
 * through tsx; compiled (for profiles with real line numbers) the sibling `.js` runs on plain Node.
 */
export async function startServerChild(
  name: string,
  args: readonly string[] = [],
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags: readonly string[] = [],
): Promise<ServerChild> {
  const compiled = import.meta.url.endsWith(".js");
  const file = `${name}${compiled ? ".js" : ".ts"}`;
  const entry = fileURLToPath(new URL(`../servers/${file}`, import.meta.url));
  const child: ChildProcess = fork(entry, [...args], {
    execArgv: compiled ? [...nodeFlags] : [...nodeFlags, "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  const exited = once(child, "exit");
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code} before listening`)));
    child.on("message", (message: ChildMessage) => {
      if (message.type === "listening") {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    rss: () =>
      new Promise((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type !== "rss") return;
          child.off("message", onMessage);
          resolve(message.rss);
        };
        child.on("message", onMessage);
        child.send({ type: "rss" });
      }),
    stop: async () => {
      if (child.exitCode === null) child.send({ type: "exit" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
