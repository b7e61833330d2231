// A serveAgent process for the caac-agent abuse tests, so that client and server do not share an
// event loop (some failures, such as a reset 413, only show across processes):
// `node --import tsx src/test-support/caac-agent-server.ts [direct|web] [maxBodyBytes]` prints
// `listening on <url>` and serves until killed. `web` wraps the handler, so serveAgent takes the
// Web bridge.
import { createAgentHandler } from "../caac-agent/handler.js";
import { serveAgent } from "../caac-agent/node/serve.js";
import { TOKEN } from "./caac-requests.js";

const [path = "direct", limit = "1024"] = process.argv.slice(2);
const quiet = { error: () => {}, warn: () => {}, info: () => {} };
const handler = createAgentHandler({
  token: TOKEN,
  agent: () => "hi",
  maxBodyBytes: Number(limit),
  logger: quiet,
});
const server = await serveAgent(path === "web" ? (request) => handler(request) : handler, { port: 0 });
process.stdout.write(`listening on ${server.url}\n`);
