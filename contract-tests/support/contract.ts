// The shape of a contract: per API, how each operation of its spec is called through the typed
// client, plus requests the client is made to send wrongly. contract-tests/<api>/cases.ts each
// export one; the runner (run.ts) turns it into tests and the coverage gate compares it with the spec.
import type { FetchLike, RequestOptions } from "../../src/core/index.js";
import type { ApiName, ExampleRequest, Json, Operation } from "./openapi.js";

/**
 * What a case's call receives besides the client: the spec's example request for the operation,
 * and the per-call options to pass to every helper, iterator or typed call, as a user would
 * (against the mocks they carry `Prefer: code=<status>`).
 */
export type CallContext = { op: Operation; example: ExampleRequest; options: RequestOptions };

/** Calls the operation; resolves on 2xx and throws the client's typed error otherwise. */
export type Call<C> = (client: C, context: CallContext) => Promise<unknown>;

/** Options the runner builds a client with. */
export type ClientSetup = { apiKey: string; baseUrl: string; fetch: FetchLike; maxRetries: number };

export type OperationContract<C> = {
  /** How it is called, for the test name: `sendMessage()` or `POST /path`. */
  via: string;
  /** The call: a helper method where one exists, else the typed surface (unwrapped). */
  call: Call<C>;
  /** Checks a successful result against the response body it was built from. */
  check?: (result: unknown, body: Json) => void;
  /** Further successful calls of the same operation (the typed surface beside a helper, a stream). */
  variants?: Array<{ via: string; call: Call<C> }>;
  /** Only reads: safe to run against the real vendor in live drift mode. */
  readOnly?: boolean;
};

export type NegativeCase<C> = {
  /** What is wrong with the request. */
  name: string;
  operationId: string;
  /** Sends the wrong request, bypassing the client's own checks (raw typed call or a cast). */
  call: Call<C>;
  /** Request headers removed on the way out, e.g. the credential. */
  drop?: readonly string[];
  /** The status the mock must answer with. */
  status: number;
  /** Text Prism's `sl-violations` must contain. */
  violation: RegExp;
  /** Safe against the real vendor (rejected before any effect): runs in live drift mode too. */
  live?: boolean;
};

export type ApiContract<C> = {
  api: ApiName;
  /** Creates the client under test. */
  client(setup: ClientSetup): C;
  /** One entry per operationId of the spec; the coverage gate fails on any missing. */
  operations: Record<string, OperationContract<C>>;
  negatives: Array<NegativeCase<C>>;
};

/** Identity function that fixes the client type of a contract. */
export function defineContract<C>(contract: ApiContract<C>): ApiContract<C> {
  return contract;
}

/**
 * The spec's example request as an openapi-fetch `init` ({ params, body }, plus `extra` such as
 * `parseAs`). Its values come from the spec at run time, so it is typed by the call site.
 */
export function exampleInit({ example, options }: CallContext, extra: Record<string, unknown> = {}): never {
  const params: Record<string, Record<string, Json>> = {};
  if (Object.keys(example.path).length > 0) params.path = example.path;
  if (Object.keys(example.query).length > 0) params.query = example.query;
  return {
    params,
    ...(example.body === undefined ? {} : { body: example.body }),
    ...(options.headers ? { headers: options.headers } : {}),
    ...extra,
  } as never;
}

/** A string path parameter of the example request. */
export function pathParam(context: CallContext, name: string): string {
  const value = context.example.path[name];
  if (value === undefined)
    throw new Error(`${context.op.operationId}: no example for path parameter ${name}`);
  return String(value);
}

/**
 * The items of an async iterable, at most `max` of them (then it is stopped, with its requests):
 * every page of a mock's list, and a bounded walk of a real vendor's.
 */
export async function upTo<T>(iterable: AsyncIterable<T>, max: number): Promise<T[]> {
  const items: T[] = [];
  if (max <= 0) return items;
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}

/** The first item of an async iterable, or undefined; stops it (and its requests) afterwards. */
export async function first<T>(iterable: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of iterable) return item;
  return undefined;
}
