// The lifecycle of the Prism host this process starts (prism.ts). The host holds a pipe from us on
// its stdin: when we die in any way, SIGKILL included, the kernel closes that pipe and the host
// exits with its servers. Signal handlers alone cannot do that, since SIGKILL runs none. On exit,
// SIGINT, SIGTERM and SIGHUP we also stop it ourselves, so a clean stop does not wait for that.
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function killAll(): void {
  for (const child of live) child.kill("SIGTERM");
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // When we are the only listener, restore the default behaviour (exit) that listening removed.
  if (process.listenerCount(signal) === 1) {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  }
}

/** Tracks `child` until it exits; it is killed if this process exits or is signalled first. */
export function track(child: ChildProcess): void {
  if (!installed) {
    installed = true;
    process.once("exit", killAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/** Stops `child` with SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export function terminate(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
