// Finds files shipped with the package (specs/) from wherever this module runs: src/mock/ under
// tsx, dist/src/mock/ when built, or node_modules/chat-agent-apis/dist/src/mock/ in a user's project.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "chat-agent-apis";
let cachedRoot: string | undefined;

/** The directory holding this package's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === PACKAGE_NAME) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${import.meta.url}`);
    dir = parent;
  }
}

/** Absolute path of `specs/<api>/openapi.yaml`. */
export function specPath(api: string): string {
  return join(packageRoot(), "specs", api, "openapi.yaml");
}

/**
 * The installed Prism CLI's package.json, resolved like an import (this package's node_modules
 * first, then the user's project) rather than through npx, so the pinned 5.14.2 runs and nothing is
 * downloaded. The Prism host loads Prism's libraries as the CLI there resolves them.
 */
export function prismCliManifest(): string {
  const bases = [import.meta.url, join(process.cwd(), "package.json")];
  for (const base of bases) {
    try {
      return createRequire(base).resolve("@stoplight/prism-cli/package.json");
    } catch {
      // Not resolvable from this base; try the next.
    }
  }
  throw new Error(
    "cannot find @stoplight/prism-cli: install it next to chat-agent-apis (npm install -D @stoplight/prism-cli@5.14.2; 5.15+ needs Node 24)",
  );
}
