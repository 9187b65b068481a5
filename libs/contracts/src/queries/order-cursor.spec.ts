import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';

describe('order cursor', () => {
  it('decodes what it encodes', () => {
    const cursor = { processedAt: '2026-12-01T10:00:00.123Z', orderId: 'ord_1' };
    expect(decodeOrderCursor(encodeOrderCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64url', 'a b'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an object', Buffer.from('{"processedAt":"2026-12-01T10:00:00.000Z"}').toString('base64url')],
    ['a bad time', Buffer.from('["yesterday","ord_1"]').toString('base64url')],
    ['a bad order id', Buffer.from('["2026-12-01T10:00:00.000Z","has space"]').toString('base64url')],
    ['too long', 'A'.repeat(301)],
  ])('refuses %s', (_, text) => {
    expect(decodeOrderCursor(text)).toBeNull();
  });
});
