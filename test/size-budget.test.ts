// What each client entry point costs a browser user: bundled by esbuild with its dependencies
// (openapi-fetch, eventsource-parser), minified and gzipped, against the budget recorded in
// size-budget.json. A Node-only import also fails here, since the bundle targets the browser.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const { entries } = JSON.parse(readFileSync(new URL("size-budget.json", import.meta.url), "utf8")) as {
  entries: Record<string, { file: string; budget: number; measured: number }>;
};
const built = existsSync(new URL("../dist/src/index.js", import.meta.url));
if (!built)
  console.warn("size-budget: skipped because dist/ is missing; `npm test` builds it first (npm run build)");

async function gzippedBundleSize(file: string): Promise<number> {
  const result = await build({
    entryPoints: [file],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array()).length;
}

describe.skipIf(!built)("client entry point size budgets (esbuild, minified, gzipped)", () => {
  it("covers every client entry point the package exports", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, { default?: string }>;
    };
    const clientSubpaths = [".", "./cavuer", "./fifthelement", "./caac", "./chataibot"];
    for (const subpath of clientSubpaths) {
      const name = `chat-agent-apis${subpath.slice(1)}`;
      expect(entries[name]?.file, name).toBe(pkg.exports[subpath]?.default?.replace(/^\.\//, ""));
    }
  });

  it.each(Object.entries(entries))("%s stays within its budget", async (name, { file, budget }) => {
    const size = await gzippedBundleSize(file);
    console.log(`size-budget: ${name} ${size} B gzipped (budget ${budget} B)`);
    expect(size, `${name} bundles to ${size} B gzipped, over its ${budget} B budget`).toBeLessThanOrEqual(
      budget,
    );
  });
});
