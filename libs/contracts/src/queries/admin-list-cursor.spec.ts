import { decodeAdminListCursor, encodeAdminListCursor } from './admin-list-cursor';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';

describe('admin list cursor', () => {
  it('decodes what it encodes', () => {
    const cursor = { createdAt: '2026-12-01T10:00:00.123Z', id: 'sku/with:odd-chars' };
    expect(decodeAdminListCursor(encodeAdminListCursor(cursor))).toEqual(cursor);
  });

  it('is the same format as the orders cursor (one sort-key cursor for every list)', () => {
    const sut = encodeAdminListCursor({ createdAt: '2026-12-01T10:00:00.000Z', id: 'x' });
    expect(decodeOrderCursor(sut)).toEqual({ processedAt: '2026-12-01T10:00:00.000Z', orderId: 'x' });
    expect(decodeAdminListCursor(encodeOrderCursor({ processedAt: '2026-12-01T10:00:00.000Z', orderId: 'x' }))).toEqual({ createdAt: '2026-12-01T10:00:00.000Z', id: 'x' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['three parts', Buffer.from('["2026-12-01T10:00:00.000Z","a","b"]').toString('base64url')],
    ['a time without zone', Buffer.from('["2026-12-01T10:00:00","a"]').toString('base64url')],
    ['an id with a space', Buffer.from('["2026-12-01T10:00:00.000Z","a b"]').toString('base64url')],
    ['a numeric id', Buffer.from('["2026-12-01T10:00:00.000Z",7]').toString('base64url')],
  ])('refuses %s', (_, text) => {
    expect(decodeAdminListCursor(text)).toBeNull();
  });
});
