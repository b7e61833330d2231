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
import {
  chromiumUnavailable,
  launchChromium,
  offlineContext,
  visibleText,
  warnIfSkipped,
} from "./chromium.js";

warnIfSkipped("api-reference");

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async function listApis(): Promise<string[]> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array expansion, not a JS template.
  const script = 'source scripts/apis.sh && printf "%s\\n" "${APIS[@]}"';
  const { stdout } = await run("bash", ["-c", script], { cwd: ROOT });
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

    // Anything else (fonts, Redocly's CDN logo) is blocked; the page must render without it.
    const { context } = await offlineContext(
      browser,
      (url) => url.startsWith("file:") || url.startsWith("data:"),
    );
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, `${api}.html`)).href, { waitUntil: "load" });
      const title = (await page.title()).trim();
      expect(title.length, "page title").toBeGreaterThan(0);
      await page.getByRole("heading", { level: 1 }).first().waitFor({ state: "visible", timeout: 10_000 });

      // Redoc 3 lists a tag's operations in the sidebar when that tag is opened, one tag at a time
      // (opening one closes the others), so open each tag as a reader would and collect what it
      // lists. Clicking also proves the page is interactive: Redoc's inlined scripts ran offline.
      const menu = page.locator('[data-component-name="Menu/Menu"]').first();
      await menu.waitFor({ state: "visible", timeout: 10_000 });
      const tags = menu.locator(':scope > [data-component-name="Menu/MenuItem"].menu-item-type-group > a');
      const seen = [normalize(await visibleText(menu))];
      const tagCount = await tags.count();
      for (let i = 0; i < tagCount; i++) {
        const before = await visibleText(menu);
        await tags.nth(i).click();
        const tag = await visibleText(tags.nth(i));
        await expect
          .poll(() => visibleText(menu), { message: `opening tag ${tag}`, timeout: 5_000 })
          .not.toBe(before);
        seen.push(normalize(await visibleText(menu)));
        if (i === 0) await page.screenshot({ path: join(ROOT, "test-results", `reference-${api}.png`) });
      }
      if (tagCount === 0) await page.screenshot({ path: join(ROOT, "test-results", `reference-${api}.png`) });
      const body = normalize(await visibleText(page.locator("body")));
      const listed = (summary: string) => seen.some((text) => text.includes(normalize(summary)));
      const missing = operations.filter(({ summary }) => !listed(summary));
      expect(missing, `operations of ${api} missing from its reference page`).toEqual([]);
      expect(body).toContain(normalize(title));
      expect(errors, "uncaught errors in the page").toEqual([]);
    } finally {
      await context.close();
    }
  });
});
