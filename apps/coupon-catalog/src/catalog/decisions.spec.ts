import { CatalogCommandTypes, CatalogEventTypes, CreateCoupon, envelope } from '@coupons/contracts';
import { CatalogState, decideCatalogCommand } from './decisions';
import { CouponEntity } from './entities';
import { couponEntityFromCreated } from './mappers';

const now = new Date('2026-03-01T10:00:00.000Z');

function stateOf(s: { stores?: string[]; products?: Array<{ sku: string; gtin?: string }>; coupons?: CouponEntity[] }): CatalogState {
  return {
    storeExists: async (id) => (s.stores ?? []).includes(id),
    skuWithGtin: async (gtin) => (s.products ?? []).find((p) => p.gtin === gtin)?.sku ?? null,
    coupon: async (id) => (s.coupons ?? []).find((c) => c.couponId === id) ?? null,
    unknownSkus: async (skus) => new Set(skus.filter((sku) => !(s.products ?? []).some((p) => p.sku === sku))),
  };
}

const command = (type: string, payload: object, aggregateId: string) =>
  envelope(type, payload, { aggregateId, correlationId: 'corr-1', eventId: 'cmd-1' });

const createCoupon: CreateCoupon = {
  couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [],
  totalQuantity: 10, perUserLimit: 1, priority: 0,
};

describe('decideCatalogCommand', () => {
  it('answers every command with events caused by it, keyed by the aggregate', async () => {
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.upsertStore, { storeId: 's-1', name: 'Main St' }, 's-1'), stateOf({}), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.storeUpserted, aggregateId: 's-1', causationId: 'cmd-1', correlationId: 'corr-1', occurredAt: now.toISOString(), payload: { storeId: 's-1', name: 'Main St' } });
  });

  it('creates a coupon ACTIVE, stamped with the decision time, optional fields as null', async () => {
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.createCoupon, createCoupon, 'c-1'), stateOf({}), now);
    expect(e.type).toBe(CatalogEventTypes.couponCreated);
    expect(e.payload).toEqual({ ...createCoupon, claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, status: 'ACTIVE', createdAt: now.toISOString(),
      dailyQuantity: null, perUserDailyLimit: null, timeZone: 'Asia/Shanghai',
    });
  });

  it('keeps the daily caps and the time zone a CreateCoupon names', async () => {
    const caps = { dailyQuantity: 5, perUserDailyLimit: 1, timeZone: 'Europe/Berlin' };
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.createCoupon, { ...createCoupon, ...caps }, 'c-1'), stateOf({}), now);
    expect(e.payload).toMatchObject(caps);
  });

  it('answers a repeated CreateCoupon with the original definition, not the repeat', async () => {
    const original = couponEntityFromCreated({ ...createCoupon, title: 'original', status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z' });
    original.status = 'PAUSED';
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.createCoupon, { ...createCoupon, title: 'repeat' }, 'c-1'), stateOf({ coupons: [original] }), now);
    expect(e.payload).toMatchObject({ couponId: 'c-1', title: 'original', createdAt: '2026-01-01T00:00:00.000Z', status: 'ACTIVE' });
  });

  it.each([
    [CatalogCommandTypes.setCouponStatus, { couponId: 'nope', status: 'PAUSED' }, 'COUPON_NOT_FOUND', 404],
    [CatalogCommandTypes.setStoreDisplays, { storeId: 'nope', items: [] }, 'STORE_NOT_FOUND', 404],
  ])('refuses %s on an unknown aggregate', async (type, payload, code, httpStatus) => {
    const [e] = await decideCatalogCommand(command(type, payload, 'nope'), stateOf({}), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.commandRejected, causationId: 'cmd-1', payload: { commandType: type, code, httpStatus } });
  });

  it('refuses displays naming unknown skus, each one by its position', async () => {
    const payload = { storeId: 's-1', items: [{ sku: 'known', headline: 'a' }, { sku: 'x', headline: 'b' }, { sku: 'y', headline: 'c' }] };
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.setStoreDisplays, payload, 's-1'), stateOf({ stores: ['s-1'], products: [{ sku: 'known' }] }), now);
    expect(e.payload).toMatchObject({
      code: 'UNKNOWN_SKU', httpStatus: 422,
      details: [{ field: 'items[1].sku', message: 'unknown sku x' }, { field: 'items[2].sku', message: 'unknown sku y' }],
    });
  });

  it('sets displays of a known store with known skus', async () => {
    const payload = { storeId: 's-1', items: [{ sku: 'known', headline: 'a' }] };
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.setStoreDisplays, payload, 's-1'), stateOf({ stores: ['s-1'], products: [{ sku: 'known' }] }), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.storeDisplaysSet, payload });
  });

  it('refuses a GTIN another product holds, accepts it again for the same product', async () => {
    const state = stateOf({ products: [{ sku: 'a', gtin: '00000000000017' }] });
    const product = { name: 'P', price: 100, currency: 'CNY', gtin: '00000000000017' };
    const [refused] = await decideCatalogCommand(command(CatalogCommandTypes.upsertProduct, { ...product, sku: 'b' }, 'b'), state, now);
    expect(refused.payload).toMatchObject({ code: 'GTIN_IN_USE', httpStatus: 409 });
    const [accepted] = await decideCatalogCommand(command(CatalogCommandTypes.upsertProduct, { ...product, sku: 'a' }, 'a'), state, now);
    expect(accepted).toMatchObject({ type: CatalogEventTypes.productUpserted, payload: { sku: 'a', gtin: '00000000000017', category: null, brand: null } });
  });
});
