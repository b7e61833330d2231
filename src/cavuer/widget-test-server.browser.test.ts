import { createHmac, randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumUnavailable,
  launchChromium,
  offlineContext,
  warnIfSkipped,
} from "../../test/browser/chromium.js";
import { WIDGET_SCRIPT_SRC } from "./identity.js";
import { startWidgetTestServer, type WidgetTestServer, type WidgetTestUsers } from "./widget-test-server.js";

warnIfSkipped("widget-test-server");

const TOKEN = "wgt_browser_test_token";
const SECRET = `sk_test_${randomUUID()}`;
const XSS_ID = `"><img src=x onerror=alert(1)>`;
const USERS: WidgetTestUsers = {
  john: { id: "john@example.com", name: "John" },
  anna: { id: "anna@example.com", name: "Anna" },
  mallory: { id: XSS_ID, name: `<script>alert("name")</script>` },
  guest: null,
};
const hmac = (userId: string) => createHmac("sha256", SECRET).update(userId).digest("hex");

// Stands in for Cavuer's embed.js: reports the data-* attributes of the tag that loaded it.
const STUB_WIDGET = `(() => {
  const script = document.currentScript;
  window.__widget = {
    attributes: script.getAttributeNames(),
    token: script.getAttribute("data-token"),
    userId: script.getAttribute("data-user-id"),
    userHash: script.getAttribute("data-user-hash"),
  };
})();`;

interface WidgetReport {
  attributes: string[];
  token: string | null;
  userId: string | null;
  userHash: string | null;
}

describe.skipIf(chromiumUnavailable)("widget test server pages in Chromium", () => {
  let server: WidgetTestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let blocked: string[];
  const dialogs: string[] = [];
  const sources = new Map<string, string>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startWidgetTestServer({ token: TOKEN, secretKey: SECRET, users: USERS, port: 0 }),
      launchChromium(),
    ]);
    ({ context, blocked } = await offlineContext(browser, (url) => url.startsWith(`${server.url}/`)));
    page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.route(WIDGET_SCRIPT_SRC, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: STUB_WIDGET }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string): Promise<WidgetReport | undefined> {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(200);
    sources.set(path, (await response?.text()) ?? "");
    return page.evaluate(() => (window as unknown as { __widget?: WidgetReport }).__widget);
  }

  it("loads the widget for each identified user with the token, the user id and the HMAC of that id", async () => {
    for (const key of ["john", "anna"]) {
      const user = USERS[key];
      if (!user) throw new Error(`test setup: ${key} is not an identified user`);
      const widget = await open(`/chat/${key}`);
      expect(widget).toEqual({
        attributes: ["src", "data-token", "data-user-id", "data-user-hash"],
        token: TOKEN,
        userId: user.id,
        userHash: hmac(user.id),
      });
      expect(await page.locator(".badge").textContent()).toBe("Identified user");
      expect(await page.locator("pre").textContent()).toBe(
        `user-id: ${user.id}\nuser-hash: ${hmac(user.id)}`,
      );
    }
  });

  it("loads the widget for the guest with the token only", async () => {
    const widget = await open("/chat/guest");
    expect(widget).toEqual({ attributes: ["src", "data-token"], token: TOKEN, userId: null, userHash: null });
    expect(await page.locator(".badge").textContent()).toBe("Anonymous visitor");
    expect(await page.locator("pre").count()).toBe(0);
  });

  it("serves a clearly labelled page whose hash is well-formed but wrong", async () => {
    const widget = await open("/invalid/john");
    expect(widget?.userId).toBe("john@example.com");
    expect(widget?.userHash).toMatch(/^[0-9a-f]{64}$/);
    expect(widget?.userHash).not.toBe(hmac("john@example.com"));
    expect(await page.locator(".badge").textContent()).toMatch(/Invalid hash.*the message will not be sent/);
  });

  it("renders a hostile user id and name as text and runs none of their markup", async () => {
    const widget = await open("/chat/mallory");
    expect(widget?.userId).toBe(XSS_ID);
    expect(widget?.userHash).toBe(hmac(XSS_ID));
    expect(await page.locator("h1").textContent()).toBe(`<script>alert("name")</script> (${XSS_ID})`);
    expect(await page.locator("pre").textContent()).toContain(`user-id: ${XSS_ID}`);
    expect(await page.locator("img").count()).toBe(0);
    // One script element only: the widget's own (the page itself has no scripts).
    expect(await page.locator("script").count()).toBe(1);

    await open("/");
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.getByText(`(${XSS_ID})`).count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it("links every user from the home page, and answers unknown users with 404", async () => {
    await open("/");
    const links = await page.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual([
      "/chat/john",
      "/invalid/john",
      "/chat/anna",
      "/invalid/anna",
      "/chat/mallory",
      "/invalid/mallory",
      "/chat/guest",
    ]);
    const response = await page.goto(`${server.url}/chat/nobody`);
    expect(response?.status()).toBe(404);
    sources.set("/chat/nobody", (await response?.text()) ?? "");
    expect(await page.locator("body").textContent()).toContain(`There is no test user "nobody".`);
  });

  it("never puts the secret key in a page and loads nothing else from the network", () => {
    expect(sources.size).toBeGreaterThanOrEqual(6);
    for (const [path, source] of sources) {
      expect(source.length, path).toBeGreaterThan(0);
      expect(source.includes(SECRET), `${path} contains the secret key`).toBe(false);
    }
    expect(blocked).toEqual([]);
  });
});
