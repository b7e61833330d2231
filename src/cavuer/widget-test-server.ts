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

function badRequest(res: ServerResponse, message: string): void {
  res.writeHead(400, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`${message}\n`);
}

// An origin-form request target (RFC 9112 §3.2.1, RFC 3986 pchar): what browsers send. `%` is
// let through alone: a bad escape in a user key is the key lookup's 404, not a 400.
const ORIGIN_FORM = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)?$/;

/** The request target's path, or undefined when it is not a valid origin-form target (`//[`, `*`). */
function requestPath(req: IncomingMessage): string | undefined {
  const target = req.url ?? "";
  if (!ORIGIN_FORM.test(target)) return undefined;
  // Appended, not resolved against a base: `//x` is a path here, not an authority.
  return new URL(`http://localhost${target}`).pathname;
}

/** True for a Host header of the form host[:port] (HTTP/1.0 requests may omit it). */
function validHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  if (host === "" || /[\s/?#@\\]/.test(host)) return false;
  return URL.canParse(`http://${host}/`);
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
  if (typeof host !== "string" || host.trim() === "") {
    // listen(port, "") binds every interface: exactly what the loopback default is there to avoid.
    throw new TypeError("host is empty; give an address such as 127.0.0.1 (this machine only)");
  }
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

  const route = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("Only GET and HEAD are served here.\n");
      return;
    }
    const pathname = requestPath(req);
    if (pathname === undefined)
      return badRequest(res, "The request target is not a path this server can parse.");
    if (!validHost(req.headers.host)) return badRequest(res, "The Host header is not a valid host[:port].");
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
  };

  const server = createServer((req, res) => {
    // Nothing may escape the request handler: a throw here is an uncaught exception, which ends
    // the process (or the vitest worker running the server in-process).
    try {
      route(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal error.\n");
    }
  });
  server.on("clientError", (_error, socket) => {
    // Unparseable requests (bad framing, header overflow): answer 400 instead of Node's bare close.
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
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
