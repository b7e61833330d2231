// The `contract` project of vitest.config.ts (`npm run contract`, and the same files in `npm test`)
// runs its files in worker threads that keep modules from one file to the next. That is only sound
// while no file of the run, nor the support code it imports, changes what another file sees
// (scripts/test-isolation.ts lists the calls that do). This test reads every file of the run and
// fails, naming the file and the call, when one appears.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { leakyCalls } from "../scripts/test-isolation.js";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The `contract` project's files (vitest.config.ts), and the support code they import. */
const RUN = ["specs", "contract-tests", "test/static-checks.test.ts"];

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
      for (const call of leakyCalls(readFileSync(file, "utf8")))
        found.push(`${relative(root, file)}: ${call}`);
    }
    expect(
      found,
      "these outlive their file in the contract project (vitest.config.ts: isolate false)",
    ).toEqual([]);
  });
});
