// The packed tarball as a user installs it: what it ships, that publint and attw find nothing, and
// that every public subpath type-checks with TypeScript's defaults (skipLibCheck off) under each
// module resolution and lib a user may have, with TypeScript 5.9 (the JS-API line most users still
// have) and TypeScript 7 (the native compiler this repository checks and builds with).
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ConsumerProject,
  consumerUnavailable,
  repoRoot,
  sharedConsumerProject,
} from "./consumer-project.js";

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, "node_modules/.bin", name);

/**
 * Each TypeScript a user may type-check the package with, by the path of its own `tsc`: both
 * packages name their binary `tsc`, so node_modules/.bin/tsc is whichever npm linked last.
 */
const TYPESCRIPTS = [
  { name: "TypeScript 5.9", tsc: join(repoRoot, "node_modules/typescript/bin/tsc") },
  { name: "TypeScript 7", tsc: join(repoRoot, "node_modules/typescript-7/bin/tsc") },
] as const;

if (consumerUnavailable) console.warn(`tarball: skipped because ${consumerUnavailable}`);

describe.skipIf(consumerUnavailable)("the packed tarball", () => {
  let project: ConsumerProject;
  beforeAll(async () => {
    project = await sharedConsumerProject();
  }, 180_000);

  /** Type-checks the consumer under one of app/tsconfig.*.json; resolves to tsc's diagnostics. */
  async function typeCheck(tsc: string, config: string): Promise<string> {
    try {
      await run(process.execPath, [tsc, "-p", join(project.dir, config)], { cwd: project.dir });
      return "";
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  }

  // Each type-check is a tsc process of its own: side by side, they take one worker for as long as
  // the slowest, not the sum.
  for (const { name, tsc } of TYPESCRIPTS) {
    it.concurrent(`${name}: type-checks every public subpath with moduleResolution nodenext, lib es2022 and Node types only`, async () => {
      expect(await typeCheck(tsc, "tsconfig.nodenext.json")).toBe("");
    }, 120_000);

    it.concurrent(`${name}: type-checks every public subpath with moduleResolution bundler, lib es2022 and Node types only`, async () => {
      expect(await typeCheck(tsc, "tsconfig.bundler.json")).toBe("");
    }, 120_000);

    it.concurrent(`${name}: type-checks the client subpaths in a browser project (DOM lib, no Node types)`, async () => {
      expect(await typeCheck(tsc, "tsconfig.browser.json")).toBe("");
    }, 120_000);
  }

  it("the type-check consumer imports every subpath that package.json exports", () => {
    const { exports } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    const consumer = readFileSync(join(project.dir, "every-entry-point.ts"), "utf8");
    const imported = [...consumer.matchAll(/from "(chat-agent-apis[^"]*)"/g)].map((m) => m[1]);
    const subpaths = Object.keys(exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `chat-agent-apis${subpath.slice(1)}`);
    expect(imported.sort()).toEqual(subpaths.sort());
  });

  it("ships the build, each spec once and the licence; no tests, test support, source maps or TS sources", async () => {
    const { stdout } = await run("tar", ["-tzf", project.tarball]);
    const files = stdout
      .trim()
      .split("\n")
      .map((path) => path.replace(/^package\//, ""));
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(files.filter((path) => /\.test\.|test-support|\.map$/.test(path))).toEqual([]);
    expect(files.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
    const specs = readdirSync(join(repoRoot, "specs"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `specs/${entry.name}/openapi.yaml`);
    expect(files.filter((path) => path.startsWith("specs/")).sort()).toEqual(specs.sort());
    expect(files.filter((path) => path.endsWith(".yaml") && !path.startsWith("specs/"))).toEqual([]);
    // At run time the agent runtime reads its spec as the compiled module of its bundle, and the
    // mocks read every spec's dereferenced bundle (the routes and examples they choose from).
    const bundles = readdirSync(join(repoRoot, "specs"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `generated/${entry.name}.bundle.json`);
    expect(files.filter((path) => /bundle\.(js|json)$/.test(path)).sort()).toEqual(
      ["dist/generated/caac-agent.bundle.js", ...bundles].sort(),
    );
  });

  it("`chat-agent-apis mock cavuer` starts from the installed package and answers 200", async () => {
    // The user installs Prism next to the package; link the repository's pinned copy instead of
    // downloading it (Node resolves its dependencies from where the link points).
    // The project is shared (sharedConsumerProject): an earlier run may have linked it already.
    mkdirSync(join(project.dir, "node_modules/@stoplight"), { recursive: true });
    if (!existsSync(join(project.dir, "node_modules/@stoplight/prism-cli")))
      symlinkSync(
        join(repoRoot, "node_modules/@stoplight/prism-cli"),
        join(project.dir, "node_modules/@stoplight/prism-cli"),
        "dir",
      );
    // Without the test run's shared Prism host: the installed package must start its own.
    const env = { ...process.env };
    delete env.CHAT_AGENT_APIS_PRISM_HOST;
    const child = spawn(
      join(project.dir, "node_modules/.bin/chat-agent-apis"),
      ["mock", "cavuer", "--port", "cavuer=0"],
      { cwd: project.dir, stdio: ["ignore", "pipe", "pipe"], env },
    );
    let output = "";
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`mock not ready within 60 s:\n${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /cavuer\s+(http:\/\/127\.0\.0\.1:\d+)[\s\S]*mock: ready/.exec(output);
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`mock exited with ${code}:\n${output}`));
        });
      });
      const response = await fetch(`${url}/custom/demo-channel/send`, {
        method: "POST",
        headers: { "x-cavuer-api-key": "test", "content-type": "application/json" },
        body: JSON.stringify({
          chatId: "chat-1",
          content: { text: "Hi" },
          chatType: "user",
          chatName: "Support",
        }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
    }
  }, 90_000);

  it("passes publint --strict", async () => {
    const installed = join(project.dir, "node_modules/chat-agent-apis");
    const { stdout } = await run(bin("publint"), ["--strict", "--pack", "false", installed]);
    expect(stdout).toContain("All good!");
  }, 60_000);

  it("passes attw with the esm-only profile", async () => {
    // attw exits non-zero on any problem the profile does not ignore; its table names the subpath.
    const result = await run(bin("attw"), [
      project.tarball,
      "--profile",
      "esm-only",
      "--format",
      "ascii",
    ]).then(
      ({ stdout }) => ({ ok: true, stdout }),
      (error: { stdout?: string }) => ({ ok: false, stdout: String(error.stdout) }),
    );
    expect(result.ok, result.stdout).toBe(true);
  }, 120_000);
});
