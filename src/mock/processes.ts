// The lifecycle of every Prism child this process starts. Each runs under a tiny watchdog (a
// second Node process) that holds a pipe from us on its stdin: when we die in any way, SIGKILL
// included, the kernel closes that pipe, the watchdog sees end-of-file and stops Prism. Signal
// handlers alone cannot do that, since SIGKILL runs none. On exit, SIGINT, SIGTERM and SIGHUP we
// also stop them ourselves, so a clean stop does not wait for the watchdog.
import { type ChildProcess, spawn } from "node:child_process";

const live = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

/** How long the watchdog gives its child to stop after SIGTERM before SIGKILL. */
export const WATCHDOG_GRACE_MS = 2_000;

// The watchdog's whole program: run the command, forward stop signals, stop it when our stdin
// closes, and exit as it exits. Kept inline (`node -e`) so it runs the same from src/ under tsx,
// from dist/ and from a user's node_modules, with nothing to resolve.
const WATCHDOG = `
const { spawn } = require("node:child_process");
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;
const stop = (signal) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!stopping) {
    stopping = true;
    setTimeout(() => child.kill("SIGKILL"), ${WATCHDOG_GRACE_MS}).unref();
  }
};
process.stdin.on("end", () => stop("SIGTERM"));
process.stdin.on("error", () => stop("SIGTERM"));
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
child.on("error", (error) => {
  process.stderr.write("watchdog: cannot start " + command + ": " + error.message + "\\n");
  process.exit(127);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGTERM" ? 143 : 1)));
`;

/**
 * Starts `command args` under the watchdog and tracks it. The returned process is the watchdog:
 * its stdout and stderr are the command's, a signal sent to it reaches the command, and it exits
 * with the command.
 */
export function spawnSupervised(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(process.execPath, ["-e", WATCHDOG, "--", command, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
  });
  // The pipe must stay open while we live; an error on it (the watchdog gone) is not ours to throw.
  child.stdin?.on("error", () => {});
  track(child);
  return child;
}

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

/**
 * Stops `child` with SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. The
 * default outlasts the watchdog's own grace, so a watchdog always gets to stop its command first.
 */
export function terminate(child: ChildProcess, graceMs = WATCHDOG_GRACE_MS + 2_000): Promise<void> {
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
