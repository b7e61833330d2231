// The `contract` project of vitest.config.ts (`npm run contract`, and the same files in `npm test`)
// runs its files in worker threads that keep modules from one file to the next (pool "threads",
// isolate false). That is only sound while no file of the run
// changes what another file sees: a mocked module, fake timers, a stubbed global or environment
// variable would leak into the files after it. This test reads every file of the run and fails,
// naming the file and the call, when one appears.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The `contract` project's files (vitest.config.ts), and the support code they import. */
const RUN = ["specs", "contract-tests", "test/static-checks.test.ts"];
/** Calls whose effect outlives the file that makes them. */
const LEAKY = [
  /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(/,
  /\bprocess\.env(\.\w+|\[[^\]]+\])\s*=[^=]/,
  /\bdelete process\.env\b/,
  /\bprocess\.chdir\(/,
];

function filesUnder(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(full, name));
}

describe("the contract run's files can share a worker", () => {
  it("none mocks a module, fakes timers, stubs a global or writes the environment", () => {
    const found: string[] = [];
    for (const file of RUN.flatMap(filesUnder)) {
      if (file.endsWith("isolation.test.ts")) continue;
      const text = readFileSync(file, "utf8");
      for (const pattern of LEAKY) {
        const match = pattern.exec(text);
        if (match) found.push(`${relative(root, file)}: ${match[0]}`);
      }
    }
    expect(
      found,
      "these outlive their file in the contract project (vitest.config.ts: isolate false)",
    ).toEqual([]);
  });
});
