import { CatalogCommandTypes, CatalogEventTypes, CreateCoupon, envelope } from '@coupons/contracts';
import { CatalogState, decideCatalogCommand } from './decisions';
import { CouponEntity } from './entities';
import { couponEntityFromCreated } from './mappers';

const now = new Date('2026-03-01T10:00:00.000Z');

/** Entities without a merchant are M's, the merchant the commands below act for. */
const M = 'm-1';
type Owned<T> = T & { merchantId?: string };
const ownerOf = (e: { merchantId?: string }) => e.merchantId ?? M;

function stateOf(s: { stores?: Array<string | Owned<{ storeId: string }>>; products?: Array<Owned<{ sku: string; gtin?: string }>>; coupons?: CouponEntity[] }): CatalogState {
  const stores = (s.stores ?? []).map((st) => (typeof st === 'string' ? { storeId: st } : st));
  const products = s.products ?? [];
  return {
    storeOwner: async (id) => { const st = stores.find((x) => x.storeId === id); return st ? ownerOf(st) : null; },
    skuWithGtin: async (m, gtin) => products.find((p) => ownerOf(p) === m && p.gtin === gtin)?.sku ?? null,
    coupon: async (id) => (s.coupons ?? []).find((c) => c.couponId === id) ?? null,
    unknownSkus: async (m, skus) => new Set(skus.filter((sku) => !products.some((p) => ownerOf(p) === m && p.sku === sku))),
    unknownStores: async (m, ids) => new Set(ids.filter((id) => !stores.some((st) => ownerOf(st) === m && st.storeId === id))),
  };
}

/** A command sent by merchant M unless the payload names another sender. */
const command = (type: string, payload: object, aggregateId: string) =>
  envelope(type, { merchantId: M, ...payload }, { aggregateId, correlationId: 'corr-1', eventId: 'cmd-1' });

const createCoupon: CreateCoupon = {
  merchantId: M, couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [],
  totalQuantity: 10, perUserLimit: 1, priority: 0,
};

describe('decideCatalogCommand', () => {
  it('answers every command with events caused by it, keyed by the aggregate', async () => {
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.upsertStore, { storeId: 's-1', name: 'Main St' }, 's-1'), stateOf({}), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.storeUpserted, aggregateId: 's-1', causationId: 'cmd-1', correlationId: 'corr-1', occurredAt: now.toISOString(), payload: { merchantId: M, storeId: 's-1', name: 'Main St' } });
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
      code: 'PRODUCT_NOT_FOUND', httpStatus: 404,
      details: [{ field: 'items[1].sku', message: 'no product x' }, { field: 'items[2].sku', message: 'no product y' }],
    });
  });

  it('sets displays of a known store with known skus', async () => {
    const payload = { storeId: 's-1', items: [{ sku: 'known', headline: 'a' }] };
    const [e] = await decideCatalogCommand(command(CatalogCommandTypes.setStoreDisplays, payload, 's-1'), stateOf({ stores: ['s-1'], products: [{ sku: 'known' }] }), now);
    expect(e).toMatchObject({ type: CatalogEventTypes.storeDisplaysSet, payload: { ...payload, merchantId: M } });
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

describe('decideCatalogCommand: tenancy', () => {
  const other = 'm-2';
  const theirs = stateOf({
    stores: [{ storeId: 's-theirs', merchantId: other }, 's-mine'],
    products: [{ sku: 'p-theirs', merchantId: other, gtin: '00000000000017' }, { sku: 'p-mine' }],
    coupons: [couponEntityFromCreated({ ...createCoupon, couponId: 'c-theirs', merchantId: other, status: 'ACTIVE', createdAt: now.toISOString() })],
  });
  const decide = (type: string, payload: object) => decideCatalogCommand(command(type, payload, 'k'), theirs, now).then((r) => r[0]);

  it("refuses another merchant's store id with STORE_ID_TAKEN, and lets the admin rename it for its owner", async () => {
    expect((await decide(CatalogCommandTypes.upsertStore, { storeId: 's-theirs', name: 'Mine now' })).payload).toMatchObject({ code: 'STORE_ID_TAKEN', httpStatus: 409 });
    expect(await decide(CatalogCommandTypes.upsertStore, { storeId: 's-theirs', name: 'Renamed', merchantId: 'op', asAdmin: true }))
      .toMatchObject({ type: CatalogEventTypes.storeUpserted, payload: { merchantId: other, storeId: 's-theirs', name: 'Renamed' } });
  });

  it("answers another merchant's coupon, store, sku exactly as unknown ones", async () => {
    const unknown = stateOf({ stores: ['s-mine'], products: [{ sku: 'p-mine' }] });
    const cases: Array<[string, object]> = [
      [CatalogCommandTypes.setCouponStatus, { couponId: 'c-theirs', status: 'PAUSED' }],
      [CatalogCommandTypes.setStoreDisplays, { storeId: 's-theirs', items: [] }],
      [CatalogCommandTypes.setStoreDisplays, { storeId: 's-mine', items: [{ sku: 'p-theirs', headline: 'h' }] }],
      [CatalogCommandTypes.createCoupon, { ...createCoupon, couponId: 'c-2', storeIds: ['s-mine', 's-theirs'] }],
      [CatalogCommandTypes.createCoupon, { ...createCoupon, couponId: 'c-2', target: { skus: ['p-mine', 'p-theirs'] } }],
    ];
    for (const [type, payload] of cases) {
      const [theirsAnswer] = await decideCatalogCommand(command(type, payload, 'k'), theirs, now);
      const rename = (v: unknown) => JSON.stringify(v).replace(/-theirs/g, '-x');
      const [unknownAnswer] = await decideCatalogCommand(command(type, JSON.parse(rename(payload)), 'k'), unknown, now);
      expect(theirsAnswer.type).toBe(CatalogEventTypes.commandRejected);
      expect(theirsAnswer.payload).toMatchObject({ httpStatus: 404 });
      expect(rename(theirsAnswer.payload)).toBe(JSON.stringify(unknownAnswer.payload));
    }
  });

  it('names each refused store and sku of a coupon by its position', async () => {
    expect((await decide(CatalogCommandTypes.createCoupon, { ...createCoupon, storeIds: ['s-mine', 's-theirs'] })).payload).toMatchObject({
      code: 'STORE_NOT_FOUND', httpStatus: 404, details: [{ field: 'storeIds[1]', message: 'no store s-theirs' }],
    });
    expect((await decide(CatalogCommandTypes.createCoupon, { ...createCoupon, target: { skus: ['p-theirs'] } })).payload).toMatchObject({
      code: 'PRODUCT_NOT_FOUND', httpStatus: 404, details: [{ field: 'target.skus[0]', message: 'no product p-theirs' }],
    });
  });

  it("lets a merchant use a GTIN another merchant holds, and creates a coupon on its own store and sku", async () => {
    expect(await decide(CatalogCommandTypes.upsertProduct, { sku: 'p-2', name: 'P', price: 1, currency: 'CNY', gtin: '00000000000017' }))
      .toMatchObject({ type: CatalogEventTypes.productUpserted, payload: { merchantId: M, sku: 'p-2' } });
    expect(await decide(CatalogCommandTypes.createCoupon, { ...createCoupon, storeIds: ['s-mine'], target: { skus: ['p-mine'], categories: ['any'] } }))
      .toMatchObject({ type: CatalogEventTypes.couponCreated, payload: { merchantId: M, storeIds: ['s-mine'] } });
  });

  it("lets the admin change another merchant's coupon; the event names the owner", async () => {
    expect(await decide(CatalogCommandTypes.setCouponStatus, { couponId: 'c-theirs', status: 'PAUSED', merchantId: 'op', asAdmin: true }))
      .toMatchObject({ type: CatalogEventTypes.couponStatusChanged, payload: { merchantId: other, couponId: 'c-theirs', status: 'PAUSED' } });
  });
});
