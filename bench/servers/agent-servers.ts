/** One agent endpoint of agent-kinds.ts per process, listening on 127.0.0.1 (lib/child.ts starts it). */
import { once } from "node:events";
import { agentServer, KINDS } from "./agent-kinds.js";
import { announce } from "./ipc.js";

const kind = process.argv[2] ?? "";
if (!(KINDS as readonly string[]).includes(kind)) {
  console.error(`agent-servers: unknown kind ${kind} (${KINDS.join(" | ")})`);
  process.exit(2);
}
const { server, listening, close } = await agentServer(kind);
if (!listening) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
}
announce(server, close);
