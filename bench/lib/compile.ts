/**
 * Compiles a benchmark server to one plain-Node ES module with esbuild, so that servers are
 * measured as compiled code (what the package ships is tsc output of the same source), not through
 * tsx's loader. Our source and generated/ are bundled in; packages stay imports from node_modules.
 */
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const outDir = fileURLToPath(new URL("../../.tmp/bench-build/", import.meta.url));
const built = new Map<string, Promise<string>>();

/** The path of `source` compiled (once per benchmark process). */
export function compiledEntry(source: string): Promise<string> {
  let entry = built.get(source);
  if (!entry) {
    entry = compile(source);
    built.set(source, entry);
  }
  return entry;
}

async function compile(source: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, basename(source).replace(/\.ts$/, ".mjs"));
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  return outfile;
}
