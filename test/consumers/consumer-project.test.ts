// The shared consumer project is reused while its content key is unchanged, so the key must cover
// everything the packed tarball is made of: a file the tarball ships but the key ignores (a spec
// whose example changed, say) would leave the consumer tests running an old package. Its build
// lock must not outlive an interrupted run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_INPUTS, repoRoot, tryLock } from "./consumer-project.js";

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

describe("the shared consumer project's build lock", () => {
  const lockIn = () => join(mkdtempSync(join(tmpdir(), "consumer-lock-")), "project.lock");
  const heldBy = (lock: string, pid: number) => {
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), String(pid));
  };

  it("is taken when free, and not while a live process holds it", () => {
    const lock = lockIn();
    expect(tryLock(lock)).toBe(true);
    expect(readFileSync(join(lock, "pid"), "utf8")).toBe(String(process.pid));
    expect(tryLock(lock)).toBe(false);
  });

  it("is taken over at once when its owner has exited (a run interrupted mid-build)", () => {
    const lock = lockIn();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    heldBy(lock, gone);
    expect(tryLock(lock)).toBe(true);
    expect(readFileSync(join(lock, "pid"), "utf8")).toBe(String(process.pid));
  });
});
