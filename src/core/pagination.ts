/** Cursor pagination: follow `nextCursor` until the server stops returning one. */
import { ChatAgentApiError } from "./errors.js";
import { requireIntegerInRange } from "./validation.js";

/** One page as the vendor client maps it from the response. */
export interface Page<T> {
  /** The items on this page. */
  items: readonly T[];
  /** Cursor of the next page; `undefined`, `null` or `""` ends the iteration. */
  nextCursor?: string | null | undefined;
}

/** Options of {@link paginate}. */
export interface PaginateOptions<T> {
  /** Fetches the page at `cursor` (`undefined` for the first page). */
  fetchPage(cursor: string | undefined): Promise<Page<T>>;
  /** Most pages fetched before the iteration fails (default {@link DEFAULT_MAX_PAGES}). */
  maxPages?: number | undefined;
}

/**
 * Default page cap: ends a server's endless cursor chain (a new cursor forever) with an error
 * instead of running and growing memory without end; 10 000 pages is a million items at 100 a page.
 */
export const DEFAULT_MAX_PAGES = 10_000;

/** Largest page size any vendor accepts. */
export const MAX_LIMIT = 1000;

/** Yields every page, following the cursor; fails rather than loop if a cursor repeats. */
export async function* paginatePages<T>(
  options: PaginateOptions<T>,
): AsyncGenerator<Page<T>, void, undefined> {
  const maxPages = validateMaxPages(options.maxPages);
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let fetched = 1; ; fetched++) {
    const page = await options.fetchPage(cursor);
    yield page;
    const next = page.nextCursor;
    if (next === undefined || next === null || next === "") return;
    if (fetched >= maxPages) {
      throw new ChatAgentApiError(
        `Pagination stopped after ${maxPages} pages (maxPages) and the server still returned a next cursor; ` +
          "pass a larger maxPages if the list really is that long.",
      );
    }
    if (seen.has(next))
      throw new ChatAgentApiError(`Pagination stopped: the server repeated cursor "${next}".`);
    seen.add(next);
    cursor = next;
  }
}

/** Yields every item of every page, fetching the next page only when the consumer gets there. */
export async function* paginate<T>(options: PaginateOptions<T>): AsyncGenerator<T, void, undefined> {
  for await (const page of paginatePages(options)) yield* page.items;
}

/** Validates a page cap (integer ≥ 1) before any request; `undefined` gives the default. */
export function validateMaxPages(maxPages: unknown, field = "maxPages"): number {
  if (maxPages === undefined) return DEFAULT_MAX_PAGES;
  return requireIntegerInRange(field, maxPages, 1, Number.MAX_SAFE_INTEGER);
}

/** Validates a page size (integer 1–1000) before any request; `undefined` passes (vendor default). */
export function validateLimit(limit: unknown, field = "limit"): number | undefined {
  if (limit === undefined) return undefined;
  return requireIntegerInRange(field, limit, 1, MAX_LIMIT);
}
