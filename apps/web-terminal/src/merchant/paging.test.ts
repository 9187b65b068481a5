import { describe, expect, it } from 'vitest';
import { appendPage, pageQuery, readPage, withSaved } from './paging';

describe('cursor paging', () => {
  it('asks for a page with the filters given, the limit kept to 1..100, and the cursor', () => {
    expect(pageQuery({ q: ' milk ', status: '', storeId: undefined }, null)).toBe('?q=milk&limit=20');
    expect(pageQuery({ q: 'a&b' }, 'c/1', 500)).toBe('?q=a%26b&limit=100&cursor=c%2F1');
    expect(pageQuery({}, null, 0)).toBe('?limit=1');
  });

  it('appends the next page, showing an item that moved between pages once', () => {
    const shown = [{ id: 'c3' }, { id: 'c2' }];
    expect(appendPage(shown, { items: [{ id: 'c2' }, { id: 'c1' }], nextCursor: null }, (c) => c.id)).toEqual([{ id: 'c3' }, { id: 'c2' }, { id: 'c1' }]);
  });

  it('reads a page, the last one without a cursor, and refuses a body that is no page', () => {
    expect(readPage({ items: [1], nextCursor: 'n' })).toEqual({ items: [1], nextCursor: 'n' });
    expect(readPage({ items: [] })).toEqual({ items: [], nextCursor: null });
    expect(() => readPage({ couponId: 'c' })).toThrow(/no items/);
  });

  it('shows the listed items, and before them what was saved in this visit and is not listed (all of it without a list route)', () => {
    const key = (c: { id: string; issued: number }) => c.id;
    const saved = [{ id: 'new', issued: 0 }, { id: 'c2', issued: 0 }, { id: 'paused', issued: 0 }];
    const listed = [{ id: 'c2', issued: 5 }, { id: 'c1', issued: 1 }];
    expect(withSaved(saved, listed, key, (c) => c.id !== 'paused')).toEqual([{ id: 'new', issued: 0 }, { id: 'c2', issued: 5 }, { id: 'c1', issued: 1 }]);
    expect(withSaved(saved, [], key)).toEqual(saved);
  });
});
