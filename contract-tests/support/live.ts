// Live drift mode: with a vendor's credentials in the environment, the contract's safe cases
// (reads, and requests the vendor rejects before doing anything) also run through
// `prism proxy --errors` against the real vendor, and every `sl-violations` finding is reported.
import { CAAC_BASE_URLS } from "../../src/caac/index.js";
import { CAVUER_DEFAULT_BASE_URL } from "../../src/cavuer/index.js";
import { CHATAIBOT_DEFAULT_BASE_URL } from "../../src/chataibot/index.js";
import type { ApiName } from "./openapi.js";

export type LiveTarget = { apiKey: string; upstream: string };

type LiveConfig = { env: string[]; upstream: (env: NodeJS.ProcessEnv) => string | undefined };

const CONFIG: Partial<Record<ApiName, LiveConfig>> = {
  cavuer: { env: ["CAVUER_API_KEY"], upstream: (e) => e.CAVUER_BASE_URL ?? CAVUER_DEFAULT_BASE_URL },
  fifthelement: {
    env: ["FIFTHELEMENT_API_KEY", "FIFTHELEMENT_BASE_URL"],
    upstream: (e) => e.FIFTHELEMENT_BASE_URL,
  },
  caac: {
    env: ["CAAC_API_KEY"],
    upstream: (e) => e.CAAC_BASE_URL ?? (e.CAAC_REGION === "jp" ? CAAC_BASE_URLS.jp : CAAC_BASE_URLS.tw),
  },
  chataibot: {
    env: ["CHATAIBOT_API_KEY"],
    upstream: (e) => e.CHATAIBOT_BASE_URL ?? CHATAIBOT_DEFAULT_BASE_URL,
  },
};

/** The real vendor to check, or why live drift mode is skipped for `api`. */
export function liveTarget(api: ApiName, env = process.env): LiveTarget | { skip: string } {
  const config = CONFIG[api];
  if (!config) return { skip: `${api}: no vendor to call (the customer hosts this API)` };
  const missing = config.env.filter((name) => !env[name]);
  if (missing.length > 0) return { skip: `${api}: live drift mode skipped: set ${missing.join(" and ")}` };
  const [keyName] = config.env;
  return { apiKey: env[keyName ?? ""] ?? "", upstream: config.upstream(env) ?? "" };
}
