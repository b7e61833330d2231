import { describe, expect, it } from "vitest";
import { ChatAgentApiError, ValidationError } from "./errors.js";
import { paginate, paginatePages, validateLimit } from "./pagination.js";

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
