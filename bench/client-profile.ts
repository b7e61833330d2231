/**
 * Per-call cost of the client layer, for profiling: `npx tsx bench/client-profile.ts get|post
 * [memory|loopback] [calls] [variant]` prints µs per call of each variant (or only `variant`:
 * "raw fetch", "bare openapi-fetch", "our client"). For a profile with real line numbers run the
 * esbuild bundle: `npx esbuild bench/client-profile.ts --bundle --platform=node --format=esm
 * --packages=external --outfile=.tmp/cp.mjs && node --cpu-prof .tmp/cp.mjs post memory 50000 "our client"`.
 */
import { getVariants, memoryFetch, postVariants } from "./client-calls.js";
import { startServerChild } from "./lib/child.js";

const [method = "get", where = "memory", count = "20000", only] = process.argv.slice(2);
const calls = Number(count);
const server = where === "loopback" ? await startServerChild("json-server") : undefined;
const baseUrl = server?.url ?? "https://api.example.invalid";
const fetch = server ? undefined : memoryFetch();
const variants = (method === "post" ? postVariants : getVariants)(baseUrl, fetch).filter(
  (variant) => only === undefined || variant.name === only,
);
try {
  for (const variant of variants) for (let i = 0; i < 500; i++) await variant.once();
  for (const variant of variants) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await variant.once();
    console.log(`${variant.name}: ${(((performance.now() - start) * 1000) / calls).toFixed(2)} µs per call`);
  }
} finally {
  await server?.stop();
}
