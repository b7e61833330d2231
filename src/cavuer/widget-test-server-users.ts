// The test users of the widget test server: who the pages identify, the seed's defaults, and the
// check of a users file. Its own module so that the pages and the server both depend on it and not
// on each other.

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
