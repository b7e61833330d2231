/**
 * The agent endpoints the benchmark compares, as node:http servers not yet listening: `bare`
 * (node:http, parse JSON, reply: the limit), `agent` (serveAgent + createAgentHandler: auth, spec
 * validation, trivial agent), `fastify` (Fastify with its default Ajv validating the same request
 * schema, and the same auth) and `hono` (createAgentHandler, the Web-standard path, mounted in
 * Hono on @hono/node-server), and `hono-bare`: the bare server's work (read the body, parse the
 * JSON, reply) as a Hono route on @hono/node-server, the ceiling of any handler mounted there.
 * agent-servers.ts serves one per process; agent-inmemory.ts feeds them requests without sockets.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import Fastify from "fastify";
import { Hono } from "hono";
import bundle from "../../generated/caac-agent.bundle.js";
import { createAgentHandler, serveAgent } from "../../src/caac-agent/index.js";
import { TOKEN } from "./token.js";

export const KINDS = ["bare", "agent", "fastify", "hono", "hono-bare"] as const;
export type ServerKind = (typeof KINDS)[number];

const REPLY = JSON.stringify({ reply_text: "ok" });

/** A server of `kind`; `listening` when it had to listen to be built (serveAgent, Fastify). */
export async function agentServer(
  kind: string,
): Promise<{ server: Server; listening: boolean; close?: () => Promise<void> }> {
  if (kind === "bare") {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(REPLY);
      });
    });
    return { server, listening: false };
  }
  if (kind === "agent") {
    // Quiet: when autocannon stops it drops connections mid-body, which the handler notes with logger.warn.
    const logger = { error: () => {}, warn: () => {} };
    const handler = createAgentHandler({ token: TOKEN, agent: () => "ok", logger });
    const agent = await serveAgent(handler, { port: 0 });
    return { server: agent.server, listening: true, close: () => agent.close() };
  }
  if (kind === "fastify") {
    const schema = bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].schema;
    // Fastify's default Ajv (8, draft-07 + ajv-formats) handles this schema: it uses no 2020-only
    // keyword. strict: false, as in our runtime, because the bundle carries `example` and `x-*` keys.
    const app = Fastify({ logger: false, ajv: { customOptions: { strict: false } } });
    // The same check our runtime makes, done the usual Node way: digests compared in constant time.
    const expected = createHash("sha256").update(TOKEN).digest();
    app.addHook("onRequest", async (request, reply) => {
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? "");
      const presented = createHash("sha256")
        .update(match?.[1] ?? "")
        .digest();
      if (!match || !timingSafeEqual(presented, expected)) {
        await reply.code(401).send({ type: "about:blank", title: "Unauthorized", status: 401 });
      }
    });
    app.post("/", { schema: { body: schema } }, async (_request, reply) => {
      reply.header("content-type", "application/json; charset=utf-8");
      return REPLY;
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { server: app.server, listening: true, close: () => app.close() };
  }
  if (kind === "hono") {
    const logger = { error: () => {}, warn: () => {} };
    const handler = createAgentHandler({ token: TOKEN, agent: () => "ok", logger });
    const app = new Hono();
    app.post("/", (context) => handler(context.req.raw));
    const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
    return { server, listening: false };
  }
  if (kind === "hono-bare") {
    const app = new Hono();
    app.post("/", async (context) => {
      try {
        JSON.parse(await context.req.raw.text());
      } catch {
        return new Response(null, { status: 400 });
      }
      return new Response(REPLY, { headers: { "content-type": "application/json; charset=utf-8" } });
    });
    const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
    return { server, listening: false };
  }
  throw new Error(`unknown server kind ${String(kind)} (${KINDS.join(" | ")})`);
}
