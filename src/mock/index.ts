/**
 * Prism mock servers and validating proxies for the vendor specs (Node only):
 *
 *   const mocks = await startMocks({ apis: ["fifthelement"] });
 *   const client = createFifthElementClient({ apiKey: "test", baseUrl: mocks.urls.fifthelement });
 *   await mocks.stop();
 */
import { existsSync } from "node:fs";
import { specPath } from "./package-root.js";
import { type PrismProcess, startPrism } from "./prism.js";

export { freePort } from "./free-port.js";
export { packageRoot, prismBin, specPath } from "./package-root.js";
export { type PrismOptions, type PrismProcess, READY_TIMEOUT_MS, startPrism } from "./prism.js";

/** The APIs with a spec, hence a mock. */
export const MOCK_APIS = [
  "cavuer",
  "fifthelement",
  "caac",
  "caac-agent",
  "chataibot",
  "chataibot-webhook",
] as const;
export type MockApi = (typeof MOCK_APIS)[number];

/** Fixed default ports, so a developer's integration can point at a stable URL. */
export const DEFAULT_MOCK_PORTS: Readonly<Record<MockApi, number>> = {
  cavuer: 4010,
  fifthelement: 4011,
  caac: 4012,
  "caac-agent": 4013,
  chataibot: 4014,
  "chataibot-webhook": 4015,
};

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
}

/** Running mocks. */
export interface Mocks {
  /** Root URL of each started mock. Prism ignores a server's base path, so clients use the root. */
  urls: Partial<Record<MockApi, string>>;
  /** Stops every mock; resolves once all have exited. */
  stop(): Promise<void>;
}

/** True when `name` is one of {@link MOCK_APIS}. */
export function isMockApi(name: string): name is MockApi {
  return (MOCK_APIS as readonly string[]).includes(name);
}

/**
 * Starts one Prism mock per API, in parallel, and resolves once all listen (30 s cap each). If
 * any fails, the others are stopped and the error carries the failed mock's log.
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
  const started = await Promise.allSettled(
    apis.map((api) =>
      startPrism({
        name: api,
        mode: "mock",
        spec: specPath(api),
        host: options.host,
        port: options.ports?.[api] ?? DEFAULT_MOCK_PORTS[api],
        verbose: options.verbose,
      }),
    ),
  );
  const running = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stop = async () => {
    await Promise.all(running.map((p) => p.stop()));
  };
  const failures = started.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((e) => e.message).join("\n"));
  }
  const urls: Partial<Record<MockApi, string>> = {};
  for (const p of running as PrismProcess[]) urls[p.name as MockApi] = p.url;
  return { urls, stop };
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
export function startProxy(options: StartProxyOptions): Promise<PrismProcess> {
  return startPrism({
    name: `${options.api} proxy`,
    mode: "proxy",
    spec: specPath(options.api),
    upstream: options.upstream,
    host: options.host,
    port: options.port ?? 0,
    args: options.errors === false ? [] : ["--errors"],
  });
}
