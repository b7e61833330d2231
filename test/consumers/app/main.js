// The Bun and Deno consumer: `<runtime> main.js <vendor server URL>` prints one JSON line.
import { exerciseAgentHandler } from "./agent-handler.js";
import { exerciseClients } from "./clients.js";
import { exerciseWebhookHandler } from "./webhook-handler.js";

const baseUrl = globalThis.Deno?.args?.[0] ?? globalThis.process?.argv?.[2];
if (!baseUrl) throw new Error("usage: main.js <vendor server URL>");
const result = {
  clients: await exerciseClients(baseUrl),
  agentHandler: await exerciseAgentHandler(),
  webhookHandler: await exerciseWebhookHandler(),
};
console.log(JSON.stringify(result));
