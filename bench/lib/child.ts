/**
 * Starts a benchmark server in its own Node process (so its RSS and CPU are its own) and talks to
 * it over IPC: the child announces its port, answers RSS queries, and exits when told to.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { GcStats } from "../servers/gc-stats.js";
import { compiledEntry } from "./compile.js";

/** Messages a server child sends. */
export type ChildMessage =
  | { type: "listening"; port: number }
  | { type: "rss"; rss: number }
  | { type: "gc"; gc: GcStats };

/** A running server child. */
export interface ServerChild {
  url: string;
  port: number;
  /** The child's process id (e.g. to read its CPU time from /proc). */
  pid: number | undefined;
  /** The child's resident set size in bytes, measured now. */
  rss(): Promise<number>;
  /** Starts the child's GC counters afresh (after a warm-up). */
  resetGc(): void;
  /** The child's GC counters since the last reset. */
  gc(): Promise<GcStats>;
  /** Asks the child to exit and waits for it. */
  stop(): Promise<void>;
}

/**
 * Runs `bench/servers/<name>` with `args` on plain Node, compiled (never through tsx, whose loader
 * would be measured too); resolves once it listens. Run from tsc output, the sibling `.js` runs;
 * run under tsx, the server is first bundled by esbuild (see compile.ts).
 */
export async function startServerChild(
  name: string,
  args: readonly string[] = [],
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags: readonly string[] = [],
  /** A checkout of another commit whose src/ and generated/ the server is built from (see compile.ts). */
  sourceRoot?: string,
): Promise<ServerChild> {
  const compiled = import.meta.url.endsWith(".js");
  const file = `${name}${compiled ? ".js" : ".ts"}`;
  const source = fileURLToPath(new URL(`../servers/${file}`, import.meta.url));
  const entry = compiled && !sourceRoot ? source : await compiledEntry(source, sourceRoot);
  const child: ChildProcess = fork(entry, [...args], {
    execArgv: [...nodeFlags],
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
  /** Sends `type` and resolves with the child's first answer of that type. */
  const ask = <T extends "rss" | "gc">(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on("message", onMessage);
      child.send({ type });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    rss: async () => (await ask("rss")).rss,
    resetGc: () => child.send({ type: "gc-reset" }),
    gc: async () => (await ask("gc")).gc,
    stop: async () => {
      if (child.exitCode === null) child.send({ type: "exit" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
