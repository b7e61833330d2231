// `npm run docs` (scripts/docs) builds one Redoc page per spec; this opens each page in
// Chromium, offline, and checks that it renders every operation of its spec.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumUnavailable, launchChromium, offlineContext, warnIfSkipped } from "./chromium.js";

warnIfSkipped("api-reference");

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async function listApis(): Promise<string[]> {
  const { stdout } = await run("bash", ["-c", 'source scripts/apis.sh && printf "%s\\n" "${APIS[@]}"'], {
    cwd: ROOT,
  });
  return stdout.split("\n").filter(Boolean);
}

type Operation = { summary?: string; operationId?: string };
type Bundle = Record<"paths" | "webhooks", Record<string, Record<string, Operation>> | undefined>;

/** Every operation of a spec, from its generated bundle, by the text Redoc shows for it. */
async function operationsOf(api: string): Promise<{ where: string; summary: string }[]> {
  const bundle = JSON.parse(await readFile(join(ROOT, "generated", `${api}.bundle.json`), "utf8")) as Bundle;
  const operations: { where: string; summary: string }[] = [];
  for (const group of ["paths", "webhooks"] as const) {
    for (const [path, item] of Object.entries(bundle[group] ?? {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const where = `${method.toUpperCase()} ${path}`;
        // The specs are linted with operation-summary: error, so a missing one is a real fault.
        if (!operation.summary) throw new Error(`generated/${api}.bundle.json: ${where} has no summary`);
        operations.push({ where, summary: operation.summary });
      }
    }
  }
  return operations;
}

const normalize = (text: string) => text.replace(/\s+/g, " ");

describe.skipIf(chromiumUnavailable)("HTML API reference (npm run docs) in Chromium", async () => {
  const apis = chromiumUnavailable ? [] : await listApis();
  let out: string;
  let browser: Browser;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "api-reference-"));
    const [built, launched] = await Promise.all([
      run("bash", ["scripts/docs", out], { cwd: ROOT }).catch(
        (error: { stderr?: string; message: string }) => {
          throw new Error(`scripts/docs failed:\n${error.stderr ?? error.message}`);
        },
      ),
      launchChromium(),
      mkdir(join(ROOT, "test-results"), { recursive: true }),
    ]);
    browser = launched;
    expect(built.stdout).toContain(`${out}/${apis[0]}.html`);
  });

  afterAll(async () => {
    await browser?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("covers every API in scripts/apis.sh", () => {
    expect(apis.length).toBeGreaterThan(0);
  });

  it.each(apis)("renders every operation of %s, offline", async (api) => {
    const operations = await operationsOf(api);
    expect(operations.length, `generated/${api}.bundle.json has no operations`).toBeGreaterThan(0);

    const { context, blocked } = await offlineContext(
      browser,
      (url) => url.startsWith("file:") || url.startsWith("data:"),
    );
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, `${api}.html`)).href, { waitUntil: "load" });
      const first = operations[0]?.summary ?? "";
      await page.getByText(first, { exact: false }).first().waitFor({ state: "visible", timeout: 10_000 });

      const text = normalize(await page.locator("body").innerText());
      const missing = operations.filter(({ summary }) => !text.includes(normalize(summary)));
      expect(missing, `operations of ${api} missing from its reference page`).toEqual([]);
      expect(errors, "uncaught errors in the page").toEqual([]);

      await page.screenshot({ path: join(ROOT, "test-results", `reference-${api}.png`) });
      // Whatever the page tried to fetch from the network (fonts, CDN, telemetry) was blocked; it
      // must still have rendered, which the checks above prove. Listed for the curious.
      if (blocked.length > 0) console.info(`reference ${api}: blocked ${[...new Set(blocked)].join(", ")}`);
    } finally {
      await context.close();
    }
  });
});
