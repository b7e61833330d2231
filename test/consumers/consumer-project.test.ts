// The shared consumer project is reused while its content key is unchanged, so the key must cover
// everything the packed tarball is made of: a file the tarball ships but the key ignores (a spec
// whose example changed, say) would leave the consumer tests running an old package.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_INPUTS, repoRoot } from "./consumer-project.js";

describe("the shared consumer project's content key", () => {
  it("covers every path of package.json `files`", () => {
    const { files } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { files: string[] };
    const uncovered = files
      .map((pattern) => pattern.replace(/^!/, ""))
      .filter(
        (pattern) => !PROJECT_INPUTS.some((input) => pattern === input || pattern.startsWith(`${input}/`)),
      );
    expect(uncovered).toEqual([]);
  });
});
