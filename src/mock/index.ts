/**
 * Prism mock servers and validating proxies for the vendor specs (Node only):
 *
 *   const mocks = await startMocks({ apis: ["fifthelement"] });
 *   const client = createFifthElementClient({ apiKey: "test", baseUrl: mocks.urls.fifthelement });
 *   await mocks.stop();
 */
import { existsSync } from "node:fs";
import { APIS, type ApiName, MOCK_PORTS } from "../../generated/apis.js";
import {
  type ChatAIBotCallbacks,
  type ChatAIBotWebhookOptions,
  chataibotHandshake,
  createChatAIBotCallbacks,
} from "./chataibot-callbacks.js";
import {
  DEFAULT_STREAM_DELAY_MS,
  MAX_STREAM_DELAY_MS,
  type MockFront,
  startMockFront,
} from "./mock-front.js";
import { specPath } from "./package-root.js";
import { PortInUseError, type PrismServer, startPrism, urlFor } from "./prism.js";

// Only the mocks' public API: the Prism host behind it (free ports, paths, startPrism) stays
// internal, so it can change without breaking users.
export {
  type ChatAIBotMockEvent,
  type ChatAIBotWebhookOptions,
  defaultBotReply,
} from "./chataibot-callbacks.js";
export { DEFAULT_STREAM_DELAY_MS, MAX_STREAM_DELAY_MS, STREAM_DELAY_HEADER } from "./mock-front.js";
export { PortInUseError, type PrismServer } from "./prism.js";

/** The APIs with a spec, hence a mock (redocly.yaml's list). */
export const MOCK_APIS = APIS;
export type MockApi = ApiName;

/**
 * Fixed default ports (redocly.yaml's `x-mock-port`), so a developer's integration can point at a
 * stable URL.
 */
export const DEFAULT_MOCK_PORTS: Readonly<Record<MockApi, number>> = MOCK_PORTS;

/** Options of {@link startMocks}. */
export interface StartMocksOptions {
  /** Which APIs to mock (default: all). */
  apis?: readonly MockApi[] | undefined;
  /** Port per API, overriding {@link DEFAULT_MOCK_PORTS}; 0 picks a free port. */
  ports?: Partial<Record<MockApi, number>> | undefined;
  /** Interface to bind (default 127.0.0.1: this machine only). */
  host?: string | undefined;
  /** Print Prism's request log to stdout, each line prefixed with its API (default false). */
  verbose?: boolean | undefined;
  /**
   * Pause between two events of a mocked stream (Fifth Element `stream: true`), in ms (default
   * {@link DEFAULT_STREAM_DELAY_MS}, at most {@link MAX_STREAM_DELAY_MS}); one request can override
   * it with `x-mock-stream-delay-ms`.
   */
  streamDelayMs?: number | undefined;
  /** Receivers the mocks call back (today: ChatAIBot's Events webhook). */
  webhooks?: { chataibot?: ChatAIBotWebhookOptions | undefined } | undefined;
}

/** Running mocks. */
export interface Mocks {
  /** Root URL of each started mock. Prism ignores a server's base path, so clients use the root. */
  urls: Partial<Record<MockApi, string>>;
  /** Resolves once every webhook delivery queued so far has been attempted. */
  settled(): Promise<void>;
  /** Stops every mock; resolves once all have exited. */
  stop(): Promise<void>;
}

/** True when `name` is one of {@link MOCK_APIS}. */
export function isMockApi(name: string): name is MockApi {
  return (MOCK_APIS as readonly string[]).includes(name);
}

/**
 * Starts one mock per API, in parallel, and resolves once all listen (30 s cap each). Each mock is
 * a Prism server (all of them in one Prism host process) behind a thin in-process layer that pages lists, paces streams and calls
 * webhooks back (docs/decisions/0008-mock-pages-and-streams.md). If any fails, the others are
 * stopped and the error says which and why.
 */
export async function startMocks(options: StartMocksOptions = {}): Promise<Mocks> {
  const apis = [...new Set(options.apis ?? MOCK_APIS)];
  for (const api of apis) {
    if (!isMockApi(api)) throw new TypeError(`unknown API "${api}"; expected one of ${MOCK_APIS.join(", ")}`);
    if (!existsSync(specPath(api))) throw new Error(`${api}: no spec at ${specPath(api)}`);
  }
  for (const api of Object.keys(options.ports ?? {})) {
    if (!(apis as string[]).includes(api))
      throw new TypeError(`ports.${api}: ${api} is not among the APIs being started (${apis.join(", ")})`);
  }
  if (options.host !== undefined && options.host.trim() === "")
    throw new TypeError(
      "host is empty; give an address such as 127.0.0.1 (an empty host binds every interface)",
    );
  const streamDelayMs = options.streamDelayMs ?? DEFAULT_STREAM_DELAY_MS;
  if (!Number.isFinite(streamDelayMs) || streamDelayMs < 0 || streamDelayMs > MAX_STREAM_DELAY_MS) {
    throw new TypeError(
      `streamDelayMs must be a number of ms from 0 to ${MAX_STREAM_DELAY_MS}, got ${String(options.streamDelayMs)}`,
    );
  }
  const webhook = options.webhooks?.chataibot;
  if (webhook) {
    checkWebhook(webhook);
    if (!apis.includes("chataibot")) {
      throw new TypeError('webhooks.chataibot needs the chataibot mock: add "chataibot" to apis');
    }
  }
  const host = options.host ?? "127.0.0.1";
  const callbacks: ChatAIBotCallbacks | undefined = webhook ? createChatAIBotCallbacks(webhook) : undefined;
  const started = await Promise.allSettled(
    apis.map((api) =>
      startOne(api, {
        host,
        port: options.ports?.[api] ?? DEFAULT_MOCK_PORTS[api],
        streamDelayMs,
        verbose: options.verbose,
        callbacks,
      }),
    ),
  );
  const running = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stop = async () => {
    await Promise.all(running.map((m) => m.stop()));
  };
  const failures = started.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
  if (failures.length === 0 && webhook) {
    await chataibotHandshake(webhook).catch((error: Error) => failures.push(error));
  }
  if (failures.length > 0) {
    await stop();
    // One failure keeps its class (a PortInUseError stays one); several are listed, one a line.
    if (failures.length === 1) throw failures[0];
    throw new Error(failures.map((e) => e.message).join("\n"));
  }
  const urls: Partial<Record<MockApi, string>> = {};
  for (const m of running) urls[m.api] = m.url;
  return { urls, settled: async () => callbacks?.settled(), stop };
}

interface RunningMock {
  api: MockApi;
  url: string;
  stop(): Promise<void>;
}

/** The front on the public port first (a taken port fails before Prism starts), then Prism behind it. */
async function startOne(
  api: MockApi,
  how: {
    host: string;
    port: number;
    streamDelayMs: number;
    verbose: boolean | undefined;
    callbacks: ChatAIBotCallbacks | undefined;
  },
): Promise<RunningMock> {
  const { host, port, streamDelayMs, callbacks } = how;
  let front: MockFront;
  try {
    front = await startMockFront({
      api,
      host,
      port,
      streamDelayMs,
      onExchange: api === "chataibot" ? callbacks?.onExchange : undefined,
    });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "EADDRINUSE") {
      throw new PortInUseError(
        `${api}: port ${port} on ${host} is already in use; choose another port (0 picks a free one)`,
      );
    }
    // Only a refused bind is a port problem; anything else (e.g. a file the front reads) is named
    // as it is, so the user is not sent looking at ports.
    if (code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new Error(`${api}: port ${port} on ${host} cannot be bound: ${message}`);
    }
    throw new Error(`${api}: the mock cannot start: ${message}`);
  }
  let prism: PrismServer;
  try {
    // Prism listens on a free loopback port; only the front is reachable on `host`.
    prism = await startPrism({ name: api, mode: "mock", spec: specPath(api), port: 0, verbose: how.verbose });
  } catch (error) {
    await front.close();
    throw error;
  }
  front.setUpstream(prism.url);
  return {
    api,
    url: urlFor(host, front.port),
    stop: async () => {
      await Promise.all([front.close(), prism.stop()]);
    },
  };
}

function checkWebhook(webhook: ChatAIBotWebhookOptions): void {
  let url: URL | undefined;
  try {
    url = new URL(webhook.url);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new TypeError("webhooks.chataibot.url must be an http(s) URL");
  }
  if (typeof webhook.token !== "string" || webhook.token === "") {
    throw new TypeError("webhooks.chataibot.token must be a non-empty string");
  }
}

/** Options of {@link startProxy}. */
export interface StartProxyOptions {
  /** The API whose spec validates the traffic. */
  api: MockApi;
  /** The real server (Prism ignores the spec's base path, so include it here). */
  upstream: string;
  /** Port (default 0: a free one). */
  port?: number | undefined;
  /** Interface to bind (default 127.0.0.1). */
  host?: string | undefined;
  /**
   * `--errors` (default true): a response that violates the spec is replaced by a 500 problem
   * (carrying `sl-violations`), so drift cannot pass unnoticed; an invalid request is answered
   * 422 by Prism and never forwarded. With false, traffic passes through unchanged and
   * `sl-violations` lists request and response violations.
   */
  errors?: boolean | undefined;
}

/**
 * Starts `prism proxy`: forwards each request to `upstream` and reports every difference between
 * the traffic and the spec in the `sl-violations` response header. An undocumented status is
 * reported as a warning only.
 */
export function startProxy(options: StartProxyOptions): Promise<PrismServer> {
  return startPrism({
    name: `${options.api} proxy`,
    mode: "proxy",
    spec: specPath(options.api),
    upstream: options.upstream,
    host: options.host,
    port: options.port ?? 0,
    errors: options.errors !== false,
  });
}
