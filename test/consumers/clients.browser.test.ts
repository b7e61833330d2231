// The clients bundled for the browser from the installed tarball (esbuild, platform "browser":
// a Node-only import fails the bundle) and run in headless Chromium. The page and the vendor are
// on different origins, so every call goes through a CORS preflight, as it would against a
// vendor's real host: chat, chatStream, a typed error and the Cavuer identity helpers.
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumUnavailable, launchChromium, warnIfSkipped } from "../browser/chromium.js";
import { type ConsumerProject, consumerUnavailable, sharedConsumerProject } from "./consumer-project.js";
import {
  MISSING_AGENT_MESSAGE,
  startVendorServer,
  VENDOR_CHUNKS,
  VENDOR_REPLY,
  type VendorServer,
} from "./vendor-server.js";

warnIfSkipped("clients in the browser");
if (consumerUnavailable) console.warn(`clients in the browser: skipped because ${consumerUnavailable}`);

/** Serves the page and its bundle (only) from its own origin. */
async function startPageServer(bundle: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    } else if (req.url?.startsWith("/?")) {
      const page =
        '<!doctype html><meta charset="utf-8"><title>consumer</title><script type="module" src="/app.js"></script>';
      res.writeHead(200, { "content-type": "text/html" }).end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(chromiumUnavailable || consumerUnavailable)("the clients bundled for a browser", () => {
  let project: ConsumerProject;
  let vendor: VendorServer;
  let page: { url: string; server: Server };
  let browser: Browser;
  beforeAll(async () => {
    [project, vendor, browser] = await Promise.all([
      sharedConsumerProject(),
      startVendorServer(),
      launchChromium(),
    ]);
    const bundled = await build({
      entryPoints: [join(project.dir, "browser.js")],
      absWorkingDir: project.dir,
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    page = await startPageServer(bundled.outputFiles[0]?.text ?? "");
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    page?.server.close();
    await vendor?.close();
  });

  it("chat, chatStream, a typed error and the identity helpers work in Chromium across origins", async () => {
    // A plain context, not offlineContext: with request interception on, Playwright answers CORS
    // preflights itself, and the vendor's own answer to them is what this test is about. The page
    // is local and asks for nothing else (the servers record every request).
    const context = await browser.newContext();
    const tab = await context.newPage();
    const pageErrors: string[] = [];
    tab.on("pageerror", (error) => pageErrors.push(String(error)));
    await tab.goto(`${page.url}/?api=${encodeURIComponent(vendor.url)}`);
    await tab.waitForFunction(() => "consumerResult" in window);
    const outcome = await tab.evaluate(
      () => (window as unknown as { consumerResult: Promise<unknown> }).consumerResult,
    );
    await context.close();

    expect(outcome).toEqual({
      value: {
        reply: VENDOR_REPLY,
        chunks: VENDOR_CHUNKS,
        error: {
          isNotFoundError: true,
          name: "NotFoundError",
          status: 404,
          message: expect.stringContaining(MISSING_AGENT_MESSAGE),
        },
        userHash: createHmac("sha256", "widget-secret").update("user-42").digest("hex"),
        verifies: true,
        rejectsForgery: true,
      },
    });
    expect(pageErrors).toEqual([]);
    // Cross-origin with an Authorization header: the browser asked first, from the page's origin.
    const preflights = vendor.requests.filter((request) => request.method === "OPTIONS");
    expect(preflights.length).toBeGreaterThanOrEqual(1);
    expect(vendor.requests.every((request) => request.origin === page.url)).toBe(true);
    expect(preflights.every((request) => request.path.startsWith("/chat/"))).toBe(true);
  }, 60_000);
});
