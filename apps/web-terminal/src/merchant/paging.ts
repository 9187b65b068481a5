/** A page of a merchant list (GET /v1/admin/stores|products|coupons): newest first, `nextCursor` null on the last. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PAGE_LIMIT = 20;
/** The API's ceiling for `?limit=`. */
export const MAX_PAGE_LIMIT = 100;

/**
 * The query string of one page: empty filters are left out (an empty `?q=` would be a filter on the empty string),
 * the limit is kept within 1..100, the cursor is the previous page's nextCursor.
 */
export function pageQuery(filters: Record<string, string | undefined>, cursor: string | null, limit = PAGE_LIMIT): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const v = value?.trim();
    if (v) params.set(key, v);
  }
  params.set('limit', String(Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit)))));
  if (cursor) params.set('cursor', cursor);
  return `?${params.toString()}`;
}

/**
 * Appends the next page to what is shown. Items are keyed so that one that moved between pages (a new item pushes
 * the rest down while the merchant pages) is shown once, where it was first seen.
 */
export function appendPage<T>(shown: T[], next: Page<T>, key: (item: T) => string): T[] {
  const seen = new Set(shown.map(key));
  return [...shown, ...next.items.filter((item) => !seen.has(key(item)))];
}

/** A list answer as the API documents it; anything else (an old gateway's body) is refused rather than misread. */
export function readPage<T>(body: unknown): Page<T> {
  const page = body as Partial<Page<T>> | undefined;
  if (!page || !Array.isArray(page.items)) throw new Error('the list answer has no items');
  return { items: page.items, nextCursor: typeof page.nextCursor === 'string' && page.nextCursor ? page.nextCursor : null };
}

/**
 * What a page shows: the listed items (the API's, with fresh counts; a page reloads its list after a save), and
 * before them what was saved in this visit and is not (yet) listed: all of it on a gateway without the list route.
 */
export function withSaved<T>(saved: T[], listed: T[], key: (item: T) => string, keep: (item: T) => boolean = () => true): T[] {
  const inList = new Set(listed.map(key));
  return [...saved.filter((x) => keep(x) && !inList.has(key(x))), ...listed];
}
