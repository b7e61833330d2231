// Node-only: a local site for checking Cavuer widget user identification against the real
// widget, after the seed's Express sample (001) but safe: the secret key stays in this process,
// every piece of user data is HTML-escaped, and it listens on loopback unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { computeUserHash, escapeHtml, widgetScriptTag } from "./identity.js";

/** A test user: `id` goes to `data-user-id`; `name` is only shown on the page. */
export interface WidgetTestUser {
  id: string;
  name: string;
}

/** Page key (the `/chat/<key>` URL segment) → user, or `null` for an anonymous guest. */
export type WidgetTestUsers = Record<string, WidgetTestUser | null>;

/** The seed's users: John and Anna are identified, the guest is anonymous. */
export const DEFAULT_USERS: WidgetTestUsers = {
  john: { id: "john@example.com", name: "John" },
  anna: { id: "anna@example.com", name: "Anna" },
  guest: null,
};

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

interface Entry {
  key: string;
  user: WidgetTestUser | null;
  hash: string | null;
  wrongHash: string | null;
}

/** Checks a parsed users file; `source` names it in error messages. */
export function parseUsers(value: unknown, source: string): WidgetTestUsers {
  const example = `{"john": {"id": "john@example.com", "name": "John"}, "guest": null}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(
      `${source}: expected an object mapping a page key to a user or null (a guest), e.g. ${example}`,
    );
  }
  const users: WidgetTestUsers = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key === "") throw new Error(`${source}: a page key must not be empty`);
    if (entry === null) {
      users[key] = null;
      continue;
    }
    const record = entry as { id?: unknown; name?: unknown };
    if (
      typeof entry !== "object" ||
      Array.isArray(entry) ||
      typeof record.id !== "string" ||
      record.id === ""
    ) {
      throw new Error(
        `${source}: "${key}" must be null (a guest) or {"id": "<non-empty user id>", "name": "…"}`,
      );
    }
    if (record.name !== undefined && typeof record.name !== "string") {
      throw new Error(`${source}: "${key}".name must be a string`);
    }
    users[key] = { id: record.id, name: record.name ?? record.id };
  }
  if (Object.keys(users).length === 0) throw new Error(`${source}: lists no users; e.g. ${example}`);
  return users;
}

const STYLE = `body { font-family: sans-serif; max-width: 640px; margin: 40px auto; padding: 0 16px; }
a.user { display: block; margin: 10px 0; padding: 12px 20px; background: #6C47FF; color: white;
  text-decoration: none; border-radius: 8px; text-align: center; }
a.user:hover { background: #5a3ad9; }
a.guest { background: #666; } a.guest:hover { background: #555; }
a.invalid { background: #b91c1c; font-size: 14px; padding: 8px 20px; } a.invalid:hover { background: #991b1b; }
.badge { display: inline-block; padding: 6px 14px; border-radius: 6px; font-size: 14px; margin-bottom: 16px; }
.identified { background: #dcfce7; color: #166534; }
.anonymous { background: #fef3c7; color: #92400e; }
.invalid-hash { background: #fee2e2; color: #991b1b; }
pre { background: #f1f5f9; padding: 12px; border-radius: 8px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const label = (entry: Entry) =>
  entry.user ? `${entry.user.name} (${entry.user.id})` : "Guest (no identification)";
const href = (route: "chat" | "invalid", key: string) => escapeHtml(`/${route}/${encodeURIComponent(key)}`);

function homePage(entries: Entry[]): string {
  const links = entries.map((entry) => {
    const main = `<a class="user${entry.user ? "" : " guest"}" href="${href("chat", entry.key)}">${escapeHtml(label(entry))}</a>`;
    if (!entry.user) return main;
    const invalid = `<a class="user invalid" href="${href("invalid", entry.key)}">${escapeHtml(entry.user.name)} with an invalid hash (messages must not be sent)</a>`;
    return `${main}\n${invalid}`;
  });
  return page(
    "Widget Identification Test",
    `<h1>Widget Identification Test</h1>
<p>Select a user to test:</p>
${links.join("\n")}`,
  );
}

function chatPage(entry: Entry, tag: string, invalid: boolean): string {
  const { user } = entry;
  const name = label(entry);
  let status: string;
  if (!user) {
    status = `<span class="badge anonymous">Anonymous visitor</span>
<p>The widget is running in default mode — random visitor ID (<code>v_…</code>).</p>`;
  } else {
    const hash = invalid ? entry.wrongHash : entry.hash;
    const data = `<h3>Identification data:</h3>
<pre>user-id: ${escapeHtml(user.id)}
user-hash: ${escapeHtml(hash ?? "")}</pre>`;
    status = invalid
      ? `<span class="badge invalid-hash">Invalid hash — the message will not be sent</span>
<p>This page passes ${escapeHtml(user.name)}'s user id with a hash computed with the wrong key, as a
visitor impersonating ${escapeHtml(user.name)} would. Cavuer must refuse to send messages from this
widget (protection against spoofing). If a message goes through, check that user identification is
enabled with the Secret Key in the widget's Security settings.</p>
${data}`
      : `<span class="badge identified">Identified user</span>
${data}
<p><a href="${href("invalid", entry.key)}">Try the same user with an invalid hash</a></p>`;
  }
  return page(
    `Chat — ${name}${invalid ? " (invalid hash)" : ""}`,
    `<a href="/">← Back to user selection</a>
<h1>${escapeHtml(name)}</h1>
${status}
<p>Open the widget in the bottom-right corner and send a message.</p>
${tag}`,
  );
}

function notFoundPage(message: string): string {
  return page(
    "Not found",
    `<a href="/">← Back to user selection</a>\n<h1>Not found</h1>\n<p>${escapeHtml(message)}</p>`,
  );
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

  const entries = new Map<string, Entry>();
  for (const [key, user] of Object.entries(users)) {
    entries.set(key, {
      key,
      user,
      hash: user ? await computeUserHash(user.id, secretKey) : null,
      wrongHash: user ? await computeUserHash(user.id, WRONG_KEY) : null,
    });
  }
  const tagFor = (entry: Entry, invalid: boolean) =>
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
