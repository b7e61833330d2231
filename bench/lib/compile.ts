/**
 * Compiles a benchmark server to one plain-Node ES module with esbuild, so that servers are
 * measured as compiled code (what the package ships is tsc output of the same source), not through
 * tsx's loader. Our source and generated/ are bundled in; packages stay imports from node_modules.
 */
import { existsSync, mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const outDir = fileURLToPath(new URL("../../.tmp/bench-build/", import.meta.url));
const built = new Map<string, Promise<string>>();

/**
 * The path of `source` compiled (once per benchmark process). With `sourceRoot` (a checkout of
 * another commit), the server's imports of src/ and generated/ come from that checkout instead:
 * the same benchmark server, measuring the other commit's runtime.
 */
export function compiledEntry(source: string, sourceRoot?: string): Promise<string> {
  const key = `${source}@${sourceRoot ?? ""}`;
  let entry = built.get(key);
  if (!entry) {
    entry = compile(source, sourceRoot, built.size);
    built.set(key, entry);
  }
  return entry;
}

/** Resolves `…/src/…` and `…/generated/…` imports of this tree into `root`, .js to .ts as tsx does. */
function fromCheckout(root: string): Plugin {
  const here = fileURLToPath(new URL("../../", import.meta.url));
  return {
    name: "from-checkout",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        const inTree = target.startsWith(here) ? target.slice(here.length) : undefined;
        const inRoot = target.startsWith(root) ? target.slice(root.length) : undefined;
        const relative = inTree ?? inRoot;
        if (!relative || !/^(src|generated)\//.test(relative)) return undefined;
        const file = resolve(root, relative);
        return { path: existsSync(file) ? file : file.replace(/\.js$/, ".ts") };
      });
    },
  };
}

async function compile(source: string, sourceRoot: string | undefined, index: number): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${index}-${basename(source).replace(/\.ts$/, ".mjs")}`);
  await build({
    plugins: sourceRoot ? [fromCheckout(`${resolve(sourceRoot)}/`)] : [],
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
