// The HTML of the widget test server (widget-test-server.ts): the seed's pages, with every piece
// of user data escaped and the embed tag built by widgetScriptTag.
import { escapeHtml } from "./identity.js";
import type { WidgetTestUser } from "./widget-test-server-users.js";

/** One test user as the pages show it, with the hashes computed for it. */
export interface PageEntry {
  key: string;
  user: WidgetTestUser | null;
  hash: string | null;
  wrongHash: string | null;
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

const label = (entry: PageEntry) =>
  entry.user ? `${entry.user.name} (${entry.user.id})` : "Guest (no identification)";
const href = (route: "chat" | "invalid", key: string) => escapeHtml(`/${route}/${encodeURIComponent(key)}`);

export function homePage(entries: PageEntry[]): string {
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

export function chatPage(entry: PageEntry, tag: string, invalid: boolean): string {
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

export function notFoundPage(message: string): string {
  return page(
    "Not found",
    `<a href="/">← Back to user selection</a>\n<h1>Not found</h1>\n<p>${escapeHtml(message)}</p>`,
  );
}
