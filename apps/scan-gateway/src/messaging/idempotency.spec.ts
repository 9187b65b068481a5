import { createHash } from 'node:crypto';
import { ApiError } from '../errors/api-error';
import { derivedId, idempotentCommandId, readIdempotencyKey, requestFingerprint } from './idempotency';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('idempotentCommandId', () => {
  it('is a uuid, the same for the same route, user and key', () => {
    const sut = idempotentCommandId('POST /v1/claims', 'u1', 'k-1');
    expect(sut).toMatch(UUID);
    expect(idempotentCommandId('POST /v1/claims', 'u1', 'k-1')).toBe(sut);
  });

  it('is the sha256 of route, user and key', () => {
    // sha256("POST /v1/claims\nu1\nk-1"), first 16 bytes with version-5 and variant bits.
    const hex = createHash('sha256').update('POST /v1/claims\nu1\nk-1').digest('hex').slice(0, 32);
    const sut = idempotentCommandId('POST /v1/claims', 'u1', 'k-1').replace(/-/g, '');
    expect(sut.slice(0, 12)).toBe(hex.slice(0, 12));
    expect(sut.slice(13, 16)).toBe(hex.slice(13, 16));
    expect(sut.slice(18)).toBe(hex.slice(18));
  });

  it.each([
    ['another user', 'POST /v1/claims', 'u2', 'k-1'],
    ['another route', 'POST /v1/orders', 'u1', 'k-1'],
    ['another key', 'POST /v1/claims', 'u1', 'k-2'],
    ['a shifted separator', 'POST /v1/claims', 'u1\nk', '-1'],
  ])('differs for %s', (_, route, user, key) => {
    expect(idempotentCommandId(route, user, key)).not.toBe(idempotentCommandId('POST /v1/claims', 'u1', 'k-1'));
  });

  it('derives short ids from a command id', () => {
    const id = idempotentCommandId('POST /v1/admin/coupons', 'm1', 'k');
    expect(derivedId('cpn_', id)).toMatch(/^cpn_[0-9a-f]{24}$/);
    expect(derivedId('cpn_', id)).toBe(derivedId('cpn_', idempotentCommandId('POST /v1/admin/coupons', 'm1', 'k')));
  });
});

describe('readIdempotencyKey', () => {
  it('is undefined without the header', () => {
    expect(readIdempotencyKey({})).toBeUndefined();
  });

  it('returns a well-formed key', () => {
    expect(readIdempotencyKey({ 'idempotency-key': 'order-42' })).toBe('order-42');
  });

  it.each([
    ['empty', ''],
    ['with spaces', 'a b'],
    ['too long', 'k'.repeat(201)],
    ['repeated', ['a', 'b']],
  ])('refuses a key that is %s', (_, key) => {
    expect(() => readIdempotencyKey({ 'idempotency-key': key })).toThrow(ApiError);
  });
});

describe('requestFingerprint', () => {
  const body = { storeId: 's-1', items: [{ sku: 'a', quantity: 1 }, { sku: 'b', quantity: 2 }], couponId: null };

  it('is the same for the same content in any key order, and leaves absent fields out', () => {
    const reordered = { couponId: null, items: [{ quantity: 1, sku: 'a' }, { quantity: 2, sku: 'b' }], storeId: 's-1', note: undefined };
    expect(requestFingerprint('POST /v1/orders', 'u', reordered)).toBe(requestFingerprint('POST /v1/orders', 'u', body));
  });

  it('differs with the body, the route or the user', () => {
    const base = requestFingerprint('POST /v1/orders', 'u', body);
    expect(requestFingerprint('POST /v1/orders', 'u', { ...body, couponId: undefined })).not.toBe(base);
    expect(requestFingerprint('POST /v1/orders', 'u', { ...body, items: [...body.items].reverse() })).not.toBe(base);
    expect(requestFingerprint('POST /v1/claims', 'u', body)).not.toBe(base);
    expect(requestFingerprint('POST /v1/orders', 'v', body)).not.toBe(base);
  });
});
