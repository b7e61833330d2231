/**
 * Profiles one agent server under load: `npx tsx bench/profile.ts agent|bare|fastify [seconds]`.
 * Runs it with --cpu-prof, applies autocannon, then prints self and inclusive time per function.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import bundle from "../generated/caac-agent.bundle.js";
import { startServerChild } from "./lib/child.js";
import { summarise } from "./lib/cpu-profile.js";
import { TOKEN } from "./servers/token.js";

const kind = process.argv[2] ?? "agent";
const seconds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
const server = await startServerChild("agent-servers", [kind], ["--cpu-prof", "--cpu-prof-dir", dir]);
const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const result = await autocannon({
  url: server.url,
  method: "POST",
  body,
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
  connections: 50,
  duration: seconds,
});
await server.stop();
const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile written in ${dir}`);
const root = fileURLToPath(new URL("..", import.meta.url));
const { costs, idlePercent } = summarise(join(dir, file), root);
console.log(`${kind}: ${Math.round(result.requests.average)} req/s; profile ${join(dir, file)}`);
console.log(`idle ${idlePercent.toFixed(1)} %\n\nself %  total %  function`);
for (const cost of costs.slice(0, 40)) {
  console.log(
    `${cost.selfPercent.toFixed(1).padStart(6)}  ${cost.totalPercent.toFixed(1).padStart(7)}  ${cost.name}`,
  );
}
console.log("\nour code, inclusive:");
for (const cost of [...costs].sort((a, b) => b.totalPercent - a.totalPercent)) {
  if (/(^|\s)(src|bench)\//.test(cost.name) && cost.totalPercent >= 1) {
    console.log(`${cost.totalPercent.toFixed(1).padStart(7)}  ${cost.name}`);
  }
}
