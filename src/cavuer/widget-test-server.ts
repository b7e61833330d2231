// Node-only: a local site for checking Cavuer widget user identification against the real
// widget, after the seed's Express sample (001) but safe: the secret key stays in this process,
// every piece of user data is HTML-escaped, and it listens on loopback unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { computeUserHash, widgetScriptTag } from "./identity.js";
import { chatPage, homePage, notFoundPage, type PageEntry } from "./widget-test-server-pages.js";
import { DEFAULT_USERS, type WidgetTestUsers } from "./widget-test-server-users.js";

export {
  DEFAULT_USERS,
  parseUsers,
  type WidgetTestUser,
  type WidgetTestUsers,
} from "./widget-test-server-users.js";

// A well-formed hash that cannot be right: what a visitor spoofing another user's id would send.
const WRONG_KEY = "not-the-widget-secret-key";

export interface WidgetTestServerOptions {
  /** The widget's public token (`wgt_…`). */
  token: string;
  /** The widget's Secret Key; used only to compute hashes, never sent to a browser. */
  secretKey: string;
  /** The users offered on the home page; defaults to {@link DEFAULT_USERS}. */
  users?: WidgetTestUsers | undefined;
  /** TCP port; default 3000 (the seed's), 0 for any free port. */
  port?: number | undefined;
  /** Interface to bind; default 127.0.0.1 so the page is not exposed to the network. */
  host?: string | undefined;
  /** The embed script URL; defaults to Cavuer's. */
  widgetSrc?: string | undefined;
}

export interface WidgetTestServer {
  /** Where the home page is, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops listening and drops open connections (browsers keep them alive). */
  close(): Promise<void>;
}

function send(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, "utf8");
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": body.length,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function urlFor(address: AddressInfo): string {
  const host = address.address === "0.0.0.0" || address.address === "::" ? "localhost" : address.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/**
 * Starts the test site; resolves once it is listening. Rejects with a `TypeError` for invalid
 * options (missing secret, bad token or script URL) and an `Error` when it cannot listen.
 */
export async function startWidgetTestServer(options: WidgetTestServerOptions): Promise<WidgetTestServer> {
  const { token, secretKey, users = DEFAULT_USERS, port = 3000, host = "127.0.0.1", widgetSrc } = options;
  if (typeof secretKey !== "string" || secretKey === "") {
    throw new TypeError("the widget's Secret Key is missing (Cavuer dashboard → Widget channel → Security)");
  }
  if (token === secretKey || (typeof token === "string" && token.startsWith("sk_"))) {
    // The token is published in every page; refuse before the secret can end up there.
    throw new TypeError(
      "the token looks like the Secret Key; pass the public token (wgt_…) from the Installation section",
    );
  }
  widgetScriptTag({ token, src: widgetSrc }); // fail fast on a bad token or script URL

  const entries = new Map<string, PageEntry>();
  for (const [key, user] of Object.entries(users)) {
    entries.set(key, {
      key,
      user,
      hash: user ? await computeUserHash(user.id, secretKey) : null,
      wrongHash: user ? await computeUserHash(user.id, WRONG_KEY) : null,
    });
  }
  const tagFor = (entry: PageEntry, invalid: boolean) =>
    entry.user
      ? widgetScriptTag({
          token,
          userId: entry.user.id,
          userHash: (invalid ? entry.wrongHash : entry.hash) ?? undefined,
          src: widgetSrc,
        })
      : widgetScriptTag({ token, src: widgetSrc });

  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("Only GET and HEAD are served here.\n");
      return;
    }
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/") return send(req, res, 200, homePage([...entries.values()]));
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const match = /^\/(chat|invalid)\/([^/]+)$/.exec(pathname);
    let key: string | undefined;
    try {
      key = match?.[2] === undefined ? undefined : decodeURIComponent(match[2]);
    } catch {
      key = undefined;
    }
    const entry = key === undefined ? undefined : entries.get(key);
    if (!match || key === undefined)
      return send(req, res, 404, notFoundPage(`There is no page at ${pathname}.`));
    if (!entry) return send(req, res, 404, notFoundPage(`There is no test user "${key}".`));
    const invalid = match[1] === "invalid";
    if (invalid && !entry.user) {
      return send(req, res, 404, notFoundPage(`"${key}" is a guest: there is no identity to get wrong.`));
    }
    send(req, res, 200, chatPage(entry, tagFor(entry, invalid), invalid));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === "EADDRINUSE")
        reject(new Error(`port ${port} is already in use on ${host}; pick another with --port`));
      else if (error.code === "EACCES")
        reject(new Error(`not allowed to listen on ${where}; use a port above 1023`));
      else reject(new Error(`cannot listen on ${where}: ${error.message}`));
    });
    server.listen(port, host, () => resolve());
  });

  return {
    url: urlFor(server.address() as AddressInfo),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
