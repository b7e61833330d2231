import { describe, expect, it } from "vitest";
import { ChatAgentApiError, ValidationError } from "./errors.js";
import { DEFAULT_MAX_PAGES, paginate, paginatePages, validateLimit, validateMaxPages } from "./pagination.js";

const pages: Record<string, { items: number[]; nextCursor?: string | null }> = {
  start: { items: [1, 2], nextCursor: "p2" },
  p2: { items: [3, 4], nextCursor: "p3" },
  p3: { items: [5], nextCursor: null },
};

describe("paginate", () => {
  it("crosses three pages and yields every item in order", async () => {
    const cursors: Array<string | undefined> = [];
    const items: number[] = [];
    for await (const item of paginate({
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        return pages[cursor ?? "start"] ?? { items: [] };
      },
    })) {
      items.push(item);
    }
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(cursors).toEqual([undefined, "p2", "p3"]);
  });

  it("fetches the next page only when the consumer reaches it", async () => {
    let fetched = 0;
    for await (const item of paginate({
      fetchPage: async (cursor) => {
        fetched++;
        return pages[cursor ?? "start"] ?? { items: [] };
      },
    })) {
      if (item === 2) break;
    }
    expect(fetched).toBe(1);
  });

  it("fails instead of looping forever when the server repeats a cursor", async () => {
    const loop = paginatePages({ fetchPage: async () => ({ items: [1], nextCursor: "same" }) });
    const collect = async () => {
      for await (const _ of loop) {
        // drain
      }
    };
    await expect(collect()).rejects.toThrow(ChatAgentApiError);
  });

  it("ends at an empty-string cursor", async () => {
    const seen: number[] = [];
    for await (const item of paginate({ fetchPage: async () => ({ items: [7], nextCursor: "" }) }))
      seen.push(item);
    expect(seen).toEqual([7]);
  });
});

describe("validateLimit", () => {
  it.each([1, 50, 1000, undefined])("accepts %s", (limit) => {
    expect(validateLimit(limit)).toBe(limit);
  });

  it.each([0, 1001, 1.5, -1, Number.NaN, "10", null])(
    "rejects %s with a message naming the field",
    (limit) => {
      expect(() => validateLimit(limit)).toThrow(ValidationError);
      expect(() => validateLimit(limit)).toThrow(/^limit: must be an integer between 1 and 1000/);
    },
  );
});

describe("the page cap", () => {
  const endless = () => {
    let fetched = 0;
    return {
      fetched: () => fetched,
      fetchPage: async () => ({ items: [fetched], nextCursor: `c${++fetched}` }),
    };
  };

  it("ends an endless cursor chain after maxPages with a clear error", async () => {
    const server = endless();
    const items: number[] = [];
    const error: unknown = await (async () => {
      for await (const item of paginate({ fetchPage: server.fetchPage, maxPages: 3 })) items.push(item);
    })().catch((e: unknown) => e);
    expect(items).toEqual([0, 1, 2]);
    expect(server.fetched()).toBe(3);
    expect(String(error)).toContain("Pagination stopped after 3 pages (maxPages)");
  });

  it("defaults to DEFAULT_MAX_PAGES, and a list that ends on the last allowed page is fine", async () => {
    const server = endless();
    const error: unknown = await (async () => {
      for await (const _item of paginate({ fetchPage: server.fetchPage })) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(server.fetched()).toBe(DEFAULT_MAX_PAGES);
    expect(error).toBeInstanceOf(ChatAgentApiError);
    const pages = [{ items: [1], nextCursor: "b" }, { items: [2] }];
    const items: number[] = [];
    for await (const item of paginate({
      fetchPage: async (c) => pages[c ? 1 : 0] ?? { items: [] },
      maxPages: 2,
    })) {
      items.push(item);
    }
    expect(items).toEqual([1, 2]);
  });

  it("rejects a maxPages that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => validateMaxPages(bad)).toThrow(/maxPages/);
  });
});
