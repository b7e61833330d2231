// Runs Prism servers (mocks and validating proxies) in a Prism host (prism-host.cjs: one process
// for any number of them) and waits until each listens. This process starts its own host on first
// use and stops it with its last server; when CHAT_AGENT_APIS_PRISM_HOST names a running host
// (a test run's global setup starts one for every test file: docs/mocks-and-contract.md), servers
// are started there instead, and the host stops them when this process ends, however it ends.
import { spawn } from "node:child_process";
import { type IncomingMessage, request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";
import { prismCliManifest } from "./package-root.js";
import { terminate, track } from "./processes.js";

/** How long a Prism host may take to start, and a server to listen. */
export const READY_TIMEOUT_MS = 30_000;
/** The environment variable naming a running Prism host (its control URL, token in the hash). */
export const PRISM_HOST_ENV = "CHAT_AGENT_APIS_PRISM_HOST";
const MAX_LOG_CHARS = 100_000;

/** Options of {@link startPrism}. */
export interface PrismOptions {
  /** Name used in errors and in the verbose log, e.g. the API. */
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
  /** Prism's `--errors`: a violation is answered as an error instead of only reported (default false). */
  errors?: boolean | undefined;
  /** Copy the server's request log to stdout, each line prefixed `[name] `. */
  verbose?: boolean | undefined;
}

/** The error of a Prism that could not bind its port because another process holds it. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  readonly code = "EADDRINUSE";
}

/** A running Prism server. */
export interface PrismServer {
  name: string;
  url: string;
  port: number;
  /** Stops the server; resolves once it no longer listens. */
  stop(): Promise<void>;
}

/** `http://host:port`, with IPv6 hosts in brackets and wildcard hosts shown as loopback. */
export function urlFor(host: string, port: number): string {
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/** Starts a Prism server and resolves once it listens; rejects naming it, with Prism's log, if it cannot. */
export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  if (options.mode === "proxy" && !options.upstream)
    throw new TypeError(`${options.name}: proxy mode needs an upstream URL`);
  const host = options.host ?? "127.0.0.1";
  const auto = (options.port ?? 0) === 0;
  const session = await acquireSession();
  try {
    for (let attempt = 1; ; attempt++) {
      const port = auto ? await freePort(host) : (options.port ?? 0);
      const answer = await session.command("POST", "/servers", {
        session: session.id,
        name: options.name,
        mode: options.mode,
        spec: options.spec,
        upstream: options.upstream,
        host,
        port,
        errors: options.errors === true,
        verbose: options.verbose === true,
      });
      if (answer.status === 201) {
        const { id } = answer.body as { id: string };
        let stopped: Promise<void> | undefined;
        return {
          name: options.name,
          url: urlFor(host, port),
          port,
          stop: () => {
            stopped ??= session
              .command("DELETE", `/servers/${id}`)
              .then(
                () => undefined,
                () => undefined,
              )
              .then(() => releaseSession(session));
            return stopped;
          },
        };
      }
      const failure = answer.body as { code?: string; message?: string; log?: string };
      if (failure.code === "EADDRINUSE") {
        // A picked port can be taken between the probe and the bind: pick another.
        if (auto && attempt < 3) continue;
        throw new PortInUseError(
          `${options.name}: port ${port} on ${host} is already in use; choose another port (0 picks a free one)`,
        );
      }
      throw new Error(
        `${options.name}: Prism ${options.mode} failed to start on ${urlFor(host, port)}: ${failure.message ?? `HTTP ${answer.status}`}` +
          (failure.log ? `\n--- Prism log ---\n${failure.log}\n---` : ""),
      );
    }
  } catch (error) {
    await releaseSession(session);
    throw error;
  }
}

/** This process's session with a Prism host: servers started through it stop when it ends. */
interface Session {
  id: string;
  /** Servers started through it and not yet stopped. */
  users: number;
  /** Set once its connection has closed (the host went away): the next start opens a new one. */
  closed: boolean;
  command(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The session every new server of this process joins, opened (and its host started) on first use. */
let current: Promise<Session> | undefined;

async function acquireSession(): Promise<Session> {
  for (;;) {
    current ??= openSession();
    const opening = current;
    let session: Session;
    try {
      session = await opening;
    } catch (error) {
      if (current === opening) current = undefined;
      throw error;
    }
    if (session.closed) {
      // Its host has gone (it crashed or was killed): its servers went with it; start afresh.
      if (current === opening) current = undefined;
      continue;
    }
    session.users += 1;
    return session;
  }
}

/**
 * Leaves `session`; with its last server, the session ends and a host this process started
 * stops. Resolves once that host has exited.
 */
async function releaseSession(session: Session): Promise<void> {
  session.users -= 1;
  if (session.users > 0) return;
  if (current && (await current) === session) {
    // A start may have joined the session while we waited for `current`: then it lives on.
    if (session.users > 0) return;
    current = undefined;
  }
  await session.close().catch(() => {});
}

async function openSession(): Promise<Session> {
  const named = process.env[PRISM_HOST_ENV];
  if (named) {
    // A shared host someone else runs: a bad value or a dead host must say where it came from.
    try {
      return await connect(named, async () => {});
    } catch (error) {
      throw new Error(`${PRISM_HOST_ENV}=${redactToken(named)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const host = await startPrismHost();
  try {
    return await connect(host.control, host.stop);
  } catch (error) {
    await host.stop();
    throw error;
  }
}

/** `value` with a control URL's token (its hash) hidden, for error messages. */
function redactToken(value: string): string {
  return value.replace(/#.+$/, "#…");
}

/** A Prism host this process runs: its control URL, and how to stop it. */
export interface PrismHost {
  /** `http://127.0.0.1:<port>/#<token>`: what {@link PRISM_HOST_ENV} takes. */
  control: string;
  /** Stops the host and every server in it; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a Prism host and resolves once it takes commands. It exits when this process does (it
 * watches its stdin, a pipe from us that the kernel closes however we die).
 */
export function startPrismHost(): Promise<PrismHost> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "prism-host.cjs");
  const child = spawn(process.execPath, [script, prismCliManifest()], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NODE_NO_WARNINGS: "1", FORCE_COLOR: "0" },
  });
  // The pipe must stay open while we live; an error on it (the host gone) is not ours to throw.
  child.stdin?.on("error", () => {});
  track(child);
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
  });
  return new Promise((resolve, reject) => {
    let pending = "";
    const fail = (reason: string) => {
      cleanup();
      void terminate(child);
      reject(new Error(`Prism host ${reason}${errors ? `\n--- its output ---\n${errors.trim()}\n---` : ""}`));
    };
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const ready = /^prism-host: ready (\S+)\n/m.exec(pending);
      if (!ready?.[1]) return;
      cleanup();
      // What follows is the verbose servers' request log, already prefixed with each server's name.
      const rest = pending.slice(ready.index + ready[0].length);
      if (rest) process.stdout.write(rest);
      child.stdout?.on("data", (more: Buffer) => process.stdout.write(more));
      resolve({ control: ready[1], stop: () => terminate(child) });
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(`could not be spawned: ${error.message}`);
    const timer = setTimeout(() => fail(`was not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("close", onExit);
      child.off("error", onError);
    }
    child.stdout?.on("data", onData);
    child.once("close", onExit);
    child.once("error", onError);
  });
}

/** Opens a session on the host at `control`; it lasts as long as its HTTP exchange. */
function connect(control: string, stopHost: () => Promise<void>): Promise<Session> {
  let url: URL | undefined;
  try {
    url = new URL(control);
  } catch {
    // Reported below.
  }
  const token = url?.hash.slice(1) ?? "";
  if (url?.protocol !== "http:" || token === "")
    throw new TypeError("not a Prism host's control URL, http://host:port/#token");
  const headers = { authorization: `Bearer ${token}` };
  const command: Session["command"] = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const sent = request(new URL(path, url), { method, headers, agent: false }, (response) => {
        readAll(response).then(
          (text) => resolve({ status: response.statusCode ?? 0, body: text === "" ? {} : JSON.parse(text) }),
          reject,
        );
      });
      sent.setTimeout(READY_TIMEOUT_MS, () =>
        sent.destroy(new Error(`the Prism host did not answer ${method} ${path}`)),
      );
      sent.on("error", reject);
      sent.end(payload);
    });
  return new Promise((resolve, reject) => {
    const opened = request(
      new URL("/sessions", url),
      { method: "POST", headers, agent: false },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`the Prism host at ${url.host} refused a session (HTTP ${response.statusCode})`));
          return;
        }
        let first = "";
        response.setEncoding("utf8");
        response.on("data", function onFirst(chunk: string) {
          first += chunk;
          const end = first.indexOf("\n");
          if (end < 0) return;
          response.off("data", onFirst);
          const { session } = JSON.parse(first.slice(0, end)) as { session: string };
          const live: Session = {
            id: session,
            users: 0,
            closed: false,
            command,
            close: async () => {
              opened.destroy();
              await stopHost();
            },
          };
          // The host ends the exchange only by going away; its servers went with it.
          response.once("close", () => {
            live.closed = true;
          });
          // Data after the first line is not expected; reading on keeps the socket flowing.
          response.resume();
          resolve(live);
        });
      },
    );
    opened.on("error", (error) =>
      reject(new Error(`cannot reach the Prism host at ${url.host}: ${error.message}`)),
    );
    opened.end();
  });
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => {
      text += chunk;
    });
    response.on("end", () => resolve(text));
    response.on("error", reject);
  });
}
