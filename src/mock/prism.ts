// Runs one Prism process (mock or validating proxy) and waits until it listens.
import type { ChildProcess } from "node:child_process";
import { freePort } from "./free-port.js";
import { prismBin } from "./package-root.js";
import { spawnSupervised, terminate } from "./processes.js";

/** How long a Prism process may take to print its "listening" line. */
export const READY_TIMEOUT_MS = 30_000;
const MAX_LOG_CHARS = 100_000;

/** Options of {@link startPrism}. */
export interface PrismOptions {
  /** Name used in errors, e.g. the API. */
  name: string;
  /** `mock` or `proxy`. */
  mode: "mock" | "proxy";
  /** The OpenAPI document. */
  spec: string;
  /** The real server, for `proxy`. */
  upstream?: string | undefined;
  /** Interface to bind (default 127.0.0.1). */
  host?: string | undefined;
  /** Port to bind; 0 picks a free one (default 0). */
  port?: number | undefined;
  /** Extra Prism arguments, e.g. `--errors`. */
  args?: readonly string[] | undefined;
  /** Readiness cap in ms (default 30 000). */
  readyTimeoutMs?: number | undefined;
  /** Once listening, copy Prism's log (its request log) to stdout, each line prefixed `[name] `. */
  verbose?: boolean | undefined;
}

/** The error of a Prism that could not bind its port because another process holds it. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  readonly code = "EADDRINUSE";
}

/** A running Prism. */
export interface PrismProcess {
  name: string;
  url: string;
  port: number;
  /** The watchdog supervising Prism: its output is Prism's, a signal sent to it reaches Prism. */
  child: ChildProcess;
  /** Everything Prism printed so far. */
  log(): string;
  /** Stops Prism; resolves once it has exited. */
  stop(): Promise<void>;
}

/** `http://host:port`, with IPv6 hosts in brackets and wildcard hosts shown as loopback. */
export function urlFor(host: string, port: number): string {
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/** Starts Prism and resolves once it listens; rejects with its log if it exits or is not ready in time. */
export async function startPrism(options: PrismOptions): Promise<PrismProcess> {
  const auto = (options.port ?? 0) === 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(
        options,
        auto ? await freePort(options.host ?? "127.0.0.1") : (options.port ?? 0),
      );
    } catch (error) {
      // A picked port can be taken between the probe and Prism's bind: pick another.
      if (!(auto && attempt < 3 && error instanceof PortInUseError)) throw error;
    }
  }
}

function startOnce(options: PrismOptions, port: number): Promise<PrismProcess> {
  const host = options.host ?? "127.0.0.1";
  const args = [options.mode, "-h", host, "-p", String(port), ...(options.args ?? []), options.spec];
  if (options.mode === "proxy") {
    if (!options.upstream) throw new TypeError(`${options.name}: proxy mode needs an upstream URL`);
    args.push(options.upstream);
  }
  const child = spawnSupervised(process.execPath, [prismBin(), ...args], {
    ...process.env,
    NODE_NO_WARNINGS: "1",
    FORCE_COLOR: "0",
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const prism: PrismProcess = {
    name: options.name,
    url: urlFor(host, port),
    port,
    child,
    log: () => log,
    stop: () => terminate(child),
  };
  const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let fatalTimer: NodeJS.Timeout | undefined;
    const fail = (reason: string) => {
      cleanup();
      void terminate(child);
      // A taken port is the common case and needs no log: Prism's answer to it is its usage text,
      // several times over.
      if (/EADDRINUSE/.test(log)) {
        reject(
          new PortInUseError(
            `${options.name}: port ${port} on ${host} is already in use; choose another port (0 picks a free one)`,
          ),
        );
        return;
      }
      reject(
        new Error(`${options.name}: Prism ${options.mode} ${reason}\n--- Prism log ---\n${tail(log)}\n---`),
      );
    };
    const onData = () => {
      if (/Prism is listening/.test(log)) {
        cleanup();
        if (options.verbose) forwardLog(child, options.name);
        resolve(prism);
      } else if ((/✖\s+fatal/.test(log) || /EADDRINUSE/.test(log)) && !fatalTimer) {
        // The reason follows the "fatal" line: give Prism a moment to print it and exit.
        fatalTimer = setTimeout(() => fail(`failed to start on ${prism.url}`), 1_000);
      }
    };
    // "close", not "exit": it comes once Prism's output has been read to the end, and the reason
    // for the exit (EADDRINUSE, say) is its last line.
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before listening (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(`could not be spawned: ${error.message}`);
    const timer = setTimeout(() => fail(`was not listening after ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      clearTimeout(fatalTimer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("close", onExit);
      child.off("error", onError);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("close", onExit);
    child.once("error", onError);
  });
}

/** The last lines of a Prism log, which hold the reason it stopped. */
function tail(log: string, lines = 40): string {
  return log.trim().split("\n").slice(-lines).join("\n");
}

/** Copies `child`'s output to stdout line by line, each prefixed with `[name] `. */
function forwardLog(child: ChildProcess, name: string): void {
  let partial = "";
  const forward = (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") process.stdout.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
}
