/** The Crescendo Lab CAAC OpenAPI client: cursor iterators plus the typed openapi-fetch surface. */

import { API_SERVERS } from "../../generated/apis.js";
import type { components, paths } from "../../generated/caac.js";
import {
  type ClientOptions,
  createTypedClient,
  paginate,
  type RequestOptions,
  requireSecret,
  type TypedClient,
  ValidationError,
  validateLimit,
  validateMaxPages,
} from "../core/index.js";

type Schemas = components["schemas"];
export type Channel = Schemas["ChannelV2"];
export type Team = NonNullable<Schemas["TeamListV2"]["teams"]>[number];
export type User = NonNullable<Schemas["UserListV2"]["users"]>[number];

/** Where the organization's data lives: Taiwan and Thailand share a host; Japan has its own. */
export type CaacRegion = "tw" | "th" | "jp";

// specs/caac/openapi.yaml lists the servers in this order: Taiwan and Thailand, then Japan.
const [taiwanAndThailand, japan] = API_SERVERS.caac;

/** Each region's server, from specs/caac/openapi.yaml. */
export const CAAC_BASE_URLS: Readonly<Record<CaacRegion, string>> = {
  tw: taiwanAndThailand.url,
  th: taiwanAndThailand.url,
  jp: japan.url,
};

/** Options of {@link createCaacClient}. */
export interface CaacClientOptions extends ClientOptions {
  /** The CAAC API key, sent as the `apikey` header. */
  apiKey: string;
  /** The organization's region (default `tw`); ignored when `baseUrl` is set. */
  region?: CaacRegion | undefined;
  /** API root; overrides `region` (e.g. a mock server in tests). */
  baseUrl?: string | undefined;
}

/** Options of the iterators: page size plus per-call overrides applied to every page request. */
export interface IterateOptions extends RequestOptions {
  /** Items per page, 1–1000 (the server's default is 100). Validated before any request. */
  limit?: number | undefined;
  /** Most pages fetched before the iterator fails with a clear error (default 10 000). */
  maxPages?: number | undefined;
}

export type CaacClient = TypedClient<paths> & {
  /** Every channel, following `cursor.after` across pages. */
  iterateChannels(options?: IterateOptions): AsyncGenerator<Channel, void, undefined>;
  /** Every team, following `cursor.after` across pages. */
  iterateTeams(options?: IterateOptions): AsyncGenerator<Team, void, undefined>;
  /** Every user, following `cursor.after` across pages. */
  iterateUsers(options?: IterateOptions): AsyncGenerator<User, void, undefined>;
};

type ListPath = "/openapi/v2/channels" | "/openapi/v2/teams" | "/openapi/v2/users";

/** Creates a CAAC client. */
export function createCaacClient(options: CaacClientOptions): CaacClient {
  const { apiKey, region = "tw", baseUrl, ...common } = options;
  const root = baseUrl ?? CAAC_BASE_URLS[region];
  if (root === undefined) {
    throw new ValidationError(
      "region",
      `must be one of ${Object.keys(CAAC_BASE_URLS).join(", ")}, got "${region}"`,
    );
  }
  const api = createTypedClient<paths>({
    ...common,
    vendor: "CAAC",
    baseUrl: root,
    authHeaders: { apikey: requireSecret("apiKey", apiKey) },
  });

  /** Pages through one v2 list; `key` names the array of items in each page. */
  function iterate<T>(path: ListPath, key: "channels" | "teams" | "users", call: IterateOptions = {}) {
    const { limit, maxPages, ...requestOptions } = call;
    // Validated here, not on first iteration, so a bad limit fails at the call site.
    const pageSize = validateLimit(limit);
    validateMaxPages(maxPages);
    return paginate<T>({
      maxPages,
      fetchPage: async (after) => {
        const query = { ...(pageSize === undefined ? {} : { limit: pageSize }), ...(after ? { after } : {}) };
        const page = api.unwrap(
          await api.GET(path, { params: { query }, ...api.requestInit(requestOptions) }),
        ) as {
          cursor?: { after?: string };
        } & Record<string, unknown>;
        const items = page[key];
        if (items !== undefined && !Array.isArray(items)) {
          throw new ValidationError(`response.${key}`, "must be an array");
        }
        return { items: (items ?? []) as T[], nextCursor: page.cursor?.after };
      },
    });
  }

  return {
    ...api,
    iterateChannels: (call) => iterate<Channel>("/openapi/v2/channels", "channels", call),
    iterateTeams: (call) => iterate<Team>("/openapi/v2/teams", "teams", call),
    iterateUsers: (call) => iterate<User>("/openapi/v2/users", "users", call),
  };
}
