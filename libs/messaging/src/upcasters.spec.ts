import { Envelope, decodeMessage, envelope } from '@coupons/contracts';
import { UpcasterRegistry, decodeWithUpcasters } from './upcasters';

const couponV1 = (over: Record<string, unknown> = {}, version = 1): Envelope<any> => ({
  ...envelope('CouponCreated', {
    couponId: 'c1', title: 'One off', discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [],
    totalQuantity: 10, perUserLimit: 1, priority: 0, ...over,
  }, { aggregateId: 'c1', correlationId: 'corr', occurredAt: '2026-01-02T03:04:05.000Z' }),
  version,
});

describe('UpcasterRegistry', () => {
  it('chains steps from the envelope version up to the newest, and leaves other types and versions alone', () => {
    const sut = new UpcasterRegistry()
      .register('T', 1, (p) => ({ ...p, b: 'default b' }))
      .register('T', 2, (p) => ({ ...p, c: p.b.length }));
    const v1 = { ...envelope('T', { a: 1 }, { aggregateId: 'x', correlationId: 'y' }), version: 1 };
    expect(sut.upcast(v1)).toMatchObject({ version: 3, payload: { a: 1, b: 'default b', c: 9 } });
    expect(sut.upcast({ ...v1, version: 2, payload: { a: 1, b: 'bb' } })).toMatchObject({ version: 3, payload: { a: 1, b: 'bb', c: 2 } });
    const other = { ...v1, type: 'U' };
    expect(sut.upcast(other)).toBe(other);
  });

  it('refuses two steps from one version', () => {
    expect(() => new UpcasterRegistry().register('T', 1, (p) => p).register('T', 1, (p) => p)).toThrow(/already registered/);
  });
});

describe('CouponCreated v1 -> v2', () => {
  it('a v1 payload without status and createdAt fails validation as is, and decodes once upcast (ACTIVE, created when it occurred)', () => {
    const v1 = couponV1();
    expect(decodeMessage(JSON.stringify(v1))).toMatchObject({ ok: false });
    const sut = decodeWithUpcasters(JSON.stringify(v1));
    expect(sut).toMatchObject({ ok: true, envelope: { version: 3, payload: { status: 'ACTIVE', createdAt: '2026-01-02T03:04:05.000Z' } } });
  });

  it.each([
    ['a v1 that already has both', couponV1({ status: 'PAUSED', createdAt: '2025-12-31T00:00:00.000Z' }), 'PAUSED', '2025-12-31T00:00:00.000Z'],
    ['a v2', couponV1({ status: 'PAUSED', createdAt: '2025-12-31T00:00:00.000Z' }, 2), 'PAUSED', '2025-12-31T00:00:00.000Z'],
  ])('keeps the values of %s', (_name, env, status, createdAt) => {
    expect(decodeWithUpcasters(JSON.stringify(env))).toMatchObject({ ok: true, envelope: { version: 3, payload: { status, createdAt } } });
  });
});

describe('tenancy: catalog messages written before merchants', () => {
  const old = (type: string, payload: object) => JSON.stringify(envelope(type, payload, { aggregateId: 'k', correlationId: 'corr' }));

  it.each([
    ['StoreUpserted', { storeId: 's1', name: 'One' }],
    ['ProductUpserted', { sku: 'p1', name: 'P', price: 100, currency: 'CNY' }],
    ['CouponStatusChanged', { couponId: 'c1', status: 'PAUSED' }],
    ['StoreDisplaysSet', { storeId: 's1', items: [] }],
    ['UpsertStore', { storeId: 's1', name: 'One' }],
    ['SetCouponStatus', { couponId: 'c1', status: 'ACTIVE' }],
  ])('%s without merchantId fails validation as is, and decodes as the default merchant\'s', (type, payload) => {
    expect(decodeMessage(old(type, payload))).toMatchObject({ ok: false });
    expect(decodeWithUpcasters(old(type, payload))).toMatchObject({ ok: true, envelope: { payload: { ...payload, merchantId: 'default' } } });
  });

  it('gives a CouponCreated v1 the default merchant after status and createdAt', () => {
    expect(decodeWithUpcasters(JSON.stringify(couponV1()))).toMatchObject({ ok: true, envelope: { version: 3, payload: { merchantId: 'default', status: 'ACTIVE' } } });
  });

  it('keeps the merchant of a current message', () => {
    expect(decodeWithUpcasters(old('StoreUpserted', { merchantId: 'm-2', storeId: 's1', name: 'One' }))).toMatchObject({ ok: true, envelope: { payload: { merchantId: 'm-2' } } });
    expect(decodeWithUpcasters(JSON.stringify(couponV1({ merchantId: 'm-2' })))).toMatchObject({ ok: true, envelope: { payload: { merchantId: 'm-2' } } });
  });
});
