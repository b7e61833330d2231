/**
 * Profiles one agent server under load: `npx tsx bench/profile.ts agent|bare|fastify|hono [seconds]`.
 * Runs it with --cpu-prof, applies the bench's load generator from its own process (lib/load.ts:
 * wrk, 50 connections), then prints self and inclusive time per function, as a share of the
 * profile and in µs per request answered (so that two servers' profiles compare per request).
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import bundle from "../generated/caac-agent.bundle.js";
import { startServerChild } from "./lib/child.js";
import { summarise } from "./lib/cpu-profile.js";
import { load } from "./lib/load.js";
import { TOKEN } from "./servers/token.js";

const kind = process.argv[2] ?? "agent";
const seconds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
const server = await startServerChild("agent-servers", [kind], ["--cpu-prof", "--cpu-prof-dir", dir]);
const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const result = await load({
  url: server.url,
  body,
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
  connections: 50,
  duration: seconds,
});
await server.stop();
const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile written in ${dir}`);
const root = fileURLToPath(new URL("..", import.meta.url));
const { costs, idlePercent, profileMs } = summarise(join(dir, file), root);
// The whole profile's time spread over the requests answered: a server's CPU per request.
const usPer = (percent: number) => (percent * profileMs * 10) / Math.max(1, result.requests);
console.log(`${kind}: ${Math.round(result.requestsPerSecond)} req/s; profile ${join(dir, file)}`);
console.log(
  `idle ${idlePercent.toFixed(1)} %, busy ${usPer(100 - idlePercent).toFixed(1)} µs per request\n\n` +
    "self %  total %  self µs/req  function",
);
for (const cost of costs.slice(0, 40)) {
  console.log(
    `${cost.selfPercent.toFixed(1).padStart(6)}  ${cost.totalPercent.toFixed(1).padStart(7)}  ` +
      `${usPer(cost.selfPercent).toFixed(2).padStart(11)}  ${cost.name}`,
  );
}
console.log("\nour code, inclusive:");
for (const cost of [...costs].sort((a, b) => b.totalPercent - a.totalPercent)) {
  if (/(^|\s)(src|bench)\//.test(cost.name) && cost.totalPercent >= 1) {
    console.log(`${cost.totalPercent.toFixed(1).padStart(7)}  ${cost.name}`);
  }
}
