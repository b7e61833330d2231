/**
 * The agent endpoints under load, one per process: `bare` (node:http, parse JSON, reply: the
 * limit), `agent` (serveAgent + createAgentHandler: auth, spec validation, trivial agent),
 * `fastify` (Fastify with its default Ajv validating the same request schema, and the same auth)
 * and `hono` (createAgentHandler, the Web-standard path, mounted in Hono on @hono/node-server).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import Fastify from "fastify";
import { Hono } from "hono";
import bundle from "../../generated/caac-agent.bundle.js";
import { createAgentHandler, serveAgent } from "../../src/caac-agent/index.js";
import { announce } from "./ipc.js";

import { TOKEN } from "./token.js";

const REPLY = JSON.stringify({ reply_text: "ok" });
const kind = process.argv[2];

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
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  announce(server);
} else if (kind === "agent") {
  // Quiet: when autocannon stops it drops connections mid-body, which the handler notes with logger.warn.
  const logger = { error: () => {}, warn: () => {} };
  const handler = createAgentHandler({ token: TOKEN, agent: () => "ok", logger });
  const agent = await serveAgent(handler, { port: 0 });
  announce(agent.server, () => agent.close());
} else if (kind === "fastify") {
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
  announce(app.server, () => app.close());
} else if (kind === "hono") {
  const logger = { error: () => {}, warn: () => {} };
  const handler = createAgentHandler({ token: TOKEN, agent: () => "ok", logger });
  const app = new Hono();
  app.post("/", (context) => handler(context.req.raw));
  const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  announce(server);
} else {
  console.error(`agent-servers: unknown kind ${String(kind)} (bare | agent | fastify | hono)`);
  process.exit(2);
}
