// Drift checking: a contract's safe cases sent through `prism proxy` to a real server, with every
// `sl-violations` finding collected. Used by live drift mode (real vendors) and by its proof
// (a local upstream with planted drift).
import { startProxy } from "../../src/mock/index.js";
import { formatViolation, parseViolations } from "./checks.js";
import type { ApiContract, Call } from "./contract.js";
import { invoke } from "./invoke.js";
import { type ApiName, exampleRequest, listOperations } from "./openapi.js";

/** A case safe to send to a real server: a read, or a request rejected before any effect. */
export type LiveCase<C> = {
  name: string;
  operationId: string;
  call: Call<C>;
  /** A deliberately wrong request: only the response is judged (its request violations are the point). */
  negative: boolean;
  drop?: readonly string[] | undefined;
};

/** The contract's read-only operations and its negative cases marked `live`. */
export function liveCases<C>(contract: ApiContract<C>): Array<LiveCase<C>> {
  return [
    ...Object.entries(contract.operations)
      .filter(([, entry]) => entry.readOnly)
      .map(([operationId, entry]) => ({
        name: `${operationId} via ${entry.via}`,
        operationId,
        call: entry.call,
        negative: false,
      })),
    ...contract.negatives
      .filter((n) => n.live)
      .map((n) => ({
        name: `${n.operationId} rejects: ${n.name}`,
        operationId: n.operationId,
        call: n.call,
        negative: true,
        drop: n.drop,
      })),
  ];
}

/**
 * Up to two proxies: `--errors` for valid requests (a drifting response becomes a 500 that no
 * client can mistake for success), and one without, because with `--errors` Prism answers an
 * invalid request 422 itself and never forwards it, so negative cases would never reach the
 * upstream. Only the kinds `cases` need are started (each Prism costs ~2 s of CPU to start).
 */
export type DriftProxies = { strict?: string; passThrough?: string; stop(): Promise<void> };

export async function startDriftProxies(
  api: ApiName,
  upstream: string,
  cases: ReadonlyArray<{ negative: boolean }>,
): Promise<DriftProxies> {
  const needStrict = cases.some((c) => !c.negative);
  const needPassThrough = cases.some((c) => c.negative);
  const [strict, passThrough] = await Promise.all([
    needStrict ? startProxy({ api, upstream, errors: true }) : undefined,
    needPassThrough ? startProxy({ api, upstream, errors: false }) : undefined,
  ]);
  return {
    ...(strict ? { strict: strict.url } : {}),
    ...(passThrough ? { passThrough: passThrough.url } : {}),
    stop: async () => {
      await Promise.all([strict?.stop(), passThrough?.stop()]);
    },
  };
}

/** Runs one case through the proxies; `findings` lists every difference between traffic and spec. */
export async function checkDrift<C>(
  contract: ApiContract<C>,
  entry: LiveCase<C>,
  proxies: DriftProxies,
  apiKey: string,
  /** Which proxy to use; default: pass-through for negative cases, strict otherwise. */
  route: "strict" | "passThrough" = entry.negative ? "passThrough" : "strict",
): Promise<{ findings: string[]; statuses: number[] }> {
  const op = listOperations(contract.api).find((o) => o.operationId === entry.operationId);
  if (!op) throw new Error(`${contract.api}: no operation "${entry.operationId}" in the spec`);
  const proxy = proxies[route];
  if (!proxy) throw new Error(`${contract.api}: no ${route} proxy was started`);
  const { exchanges } = await invoke(
    contract,
    entry.call,
    { op, example: exampleRequest(op), options: {} },
    proxy,
    apiKey,
    { drop: entry.drop },
  );
  const findings = exchanges.flatMap((exchange) =>
    parseViolations(exchange)
      .filter((v) => !entry.negative || v.location[0] === "response")
      .map(
        (v) =>
          `${entry.name}: ${exchange.method} ${new URL(exchange.url).pathname} → ${exchange.status}: ${formatViolation(v)}`,
      ),
  );
  return { findings, statuses: exchanges.map((e) => e.status) };
}
