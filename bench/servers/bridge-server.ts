/**
 * The Fifth Element bridge behind serveAgent, with its conversation map in memory (`memory`) or in
 * Redis (`redis <url>`). The vendor call is an in-process stub that answers at once, so the figure
 * is the runtime plus the store: one GET and one SET per request for the Redis variant.
 */
import {
  createAgentHandler,
  createFifthElementBridgeAgent,
  type FifthElementChat,
  serveAgent,
} from "../../src/caac-agent/index.js";
import { createRedisConversationStore } from "../../src/caac-agent/redis-store.js";
import { announce } from "./ipc.js";
import { TOKEN } from "./token.js";

const [kind, url] = process.argv.slice(2);
const chat: FifthElementChat = async (_slug, body) => ({
  response: "ok",
  conversationId: body.conversationId ?? "conv_1",
});
const redis = kind === "redis" ? createRedisConversationStore({ url: url ?? "" }) : undefined;
if (redis) await redis.ready(5_000);
if (kind !== "memory" && !redis) throw new Error(`usage: bridge-server memory | redis <url>; got ${kind}`);
const logger = { error: () => {}, warn: () => {} };
const agent = createFifthElementBridgeAgent({ chat, slug: "bench", ...(redis ? { store: redis } : {}) });
const served = await serveAgent(createAgentHandler({ token: TOKEN, agent, logger }), { port: 0 });
announce(served.server, async () => {
  await served.close();
  await redis?.close();
});
