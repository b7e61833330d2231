// `redis` is an optional peer dependency: only chat-agent-apis/caac-agent/redis may load it. A
// static import of it anywhere under the main caac-agent entry would break every user who did
// not install it, so this walks the entry's import graph.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

/** Every specifier a module imports (static, re-export or dynamic with a literal), by file. */
function importGraph(entry: string): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, "utf8");
    const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1] ?? "";
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else bare.set(specifier, file);
    }
  };
  visit(entry);
  return { files, bare };
}

describe("the optional redis peer dependency", () => {
  it("is imported by the redis subpath (so the walk below can see it)", () => {
    expect(importGraph(resolve(here, "redis-store.ts")).bare.has("redis")).toBe(true);
  });

  it("is never reached from the main caac-agent entry", () => {
    const { files, bare } = importGraph(resolve(here, "index.ts"));
    expect(files.size).toBeGreaterThan(10);
    expect([...bare.keys()].filter((name) => name === "redis" || name.startsWith("@redis/"))).toEqual([]);
    expect([...files].some((file) => file.endsWith("redis-store.ts"))).toBe(false);
  });
});
