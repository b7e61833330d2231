// A stand-in for a vendor, built from its spec: it answers each operation with the spec's
// examples (401 without credentials, 400 for a request that breaks the request schema, else the
// 200 example), except where a test plants drift. It proves that live drift mode reports drift.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ApiName,
  firstExample,
  type Json,
  type JsonObject,
  listOperations,
  loadBundle,
  type Operation,
  validatorFor,
} from "./openapi.js";

/** What the upstream sends instead of the spec's answer. */
export type PlantedResponse = { status: number; contentType: string; body: string };
/** Plants drift for one operation; receives the answer the spec would give. */
export type Drift = (conformant: { status: number; body: Json | undefined }) => PlantedResponse;

export type SpecUpstream = {
  url: string;
  /** Drift per operationId; empty means a conformant upstream. Mutable between requests. */
  drift: Map<string, Drift>;
  close(): Promise<void>;
};

type Route = { op: Operation; pattern: RegExp; names: string[] };

function routes(api: ApiName): Route[] {
  return listOperations(api).map((op) => {
    const names: string[] = [];
    const source = op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { op, pattern: new RegExp(`^${source}$`), names };
  });
}

function credentialHeader(api: ApiName): string {
  const schemes = (loadBundle(api).components as JsonObject | undefined)?.securitySchemes as
    | Record<string, { type: string; in?: string; name?: string }>
    | undefined;
  const scheme = Object.values(schemes ?? {})[0];
  return scheme?.type === "apiKey" && scheme.in === "header" && scheme.name
    ? scheme.name.toLowerCase()
    : "authorization";
}

function coerce(value: string, schema: JsonObject): Json {
  const type = schema.type;
  if ((type === "integer" || type === "number") && value.trim() !== "" && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** 400 when the body or a query parameter breaks the spec (the rules Prism's mock applies too). */
function isBadRequest(op: Operation, query: URLSearchParams, text: string): boolean {
  for (const param of op.raw.parameters ?? []) {
    if (param.in !== "query") continue;
    const value = query.get(param.name);
    if (value === null) {
      if (param.required) return true;
      continue;
    }
    if (!validatorFor(param.schema)(coerce(value, param.schema))) return true;
  }
  const schema = op.raw.requestBody?.content["application/json"]?.schema;
  if (!schema || text === "")
    return Boolean(
      op.raw.requestBody && (op.raw.requestBody as { required?: boolean }).required && text === "",
    );
  try {
    return !validatorFor(schema)(JSON.parse(text));
  } catch {
    return true;
  }
}

function answer(op: Operation, status: number): { status: number; body: Json | undefined } {
  const media = op.raw.responses[String(status)]?.content?.["application/json"];
  return { status, body: firstExample(media) };
}

/** Serves `api` from its spec under `basePath` (e.g. `/v1/api`) on 127.0.0.1. */
export async function startSpecUpstream(api: ApiName, basePath = ""): Promise<SpecUpstream> {
  const table = routes(api);
  const credential = credentialHeader(api);
  const drift = new Map<string, Drift>();
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? "/", "http://upstream");
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : "";
    const route = table.find((r) => r.op.method === req.method && r.pattern.test(path));
    if (!route) {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end(`no operation for ${req.method} ${url.pathname}`);
      return;
    }
    const { op } = route;
    const conformant = !req.headers[credential]
      ? answer(op, 401)
      : isBadRequest(op, url.searchParams, text)
        ? answer(op, 400)
        : answer(op, 200);
    let planted: PlantedResponse | undefined;
    try {
      planted = drift.get(op.operationId)?.(conformant);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`planted drift failed: ${String(error)}`);
      return;
    }
    if (planted) {
      res.writeHead(planted.status, { "content-type": planted.contentType }).end(planted.body);
      return;
    }
    if (conformant.body === undefined) {
      res.writeHead(conformant.status).end();
      return;
    }
    res
      .writeHead(conformant.status, { "content-type": "application/json" })
      .end(JSON.stringify(conformant.body));
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    drift,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
