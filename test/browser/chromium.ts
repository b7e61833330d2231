// Shared by the browser tests: headless Chromium from the Debian package (Playwright's own
// browser download is not reachable from CI), driven by playwright-core, with no network access.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Locator } from "playwright-core";

/** Where the Debian `chromium` package puts the browser; override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumUnavailable: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH}; install it with \`apt-get install -y chromium\` (as .ci/run does) or set CHROMIUM_PATH`;

/** Prints why a browser test file is skipped, so a skip is never silent. */
export function warnIfSkipped(suite: string): void {
  if (chromiumUnavailable) console.warn(`${suite}: browser tests skipped: ${chromiumUnavailable}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // No sandbox: CI runs as root in a container. The rest keeps Chromium off the network.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A context in which every request not accepted by `allow` is aborted and recorded in `blocked`,
 * so a test can both stay offline and assert that a page asked for nothing unexpected.
 */
export async function offlineContext(
  browser: Browser,
  allow: (url: string) => boolean,
): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allow(url)) return route.fallback();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, blocked };
}

/** The text a reader sees: layout-aware, without hidden parts (which `textContent` would include). */
export function visibleText(locator: Locator): Promise<string> {
  return locator.innerText();
}
