import { CatalogEventTypes, CouponEditEventTypes } from '@coupons/contracts';
import { ScanModel } from './scan-model';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

function coupon(couponId: string, over: Record<string, unknown> = {}) {
  return {
    type: CatalogEventTypes.couponCreated,
    payload: {
      merchantId: 'm1', couponId, title: couponId, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10, perUserLimit: 1,
      claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, priority: 0, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z',
      ...over,
    },
  } as any;
}
const store = (storeId: string) => ({ type: CatalogEventTypes.storeUpserted, payload: { merchantId: 'm1', storeId, name: storeId } }) as any;
const product = (sku: string, over: Record<string, unknown> = {}) =>
  ({ type: CatalogEventTypes.productUpserted, payload: { merchantId: 'm1', sku, name: sku, price: 1000, currency: 'CNY', gtin: null, category: null, brand: null, ...over } }) as any;

describe('ScanModel', () => {
  let sut: ScanModel;
  beforeEach(() => {
    sut = new ScanModel();
    for (const e of [
      store('s1'),
      product('milk', { gtin: '06901234000016', category: 'dairy', brand: 'Acme', price: 1500 }),
      product('cola', { gtin: '06904567000012', category: 'drinks' }),
      coupon('c-sku', { target: { skus: ['milk'] }, claimableUntil: new Date(NOW + DAY).toISOString() }),
      coupon('c-dairy', { target: { categories: ['dairy'] }, discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: null } }),
      coupon('c-s1', { storeIds: ['s1'] }),
      coupon('c-drinks', { target: { categories: ['drinks'] } }),
    ]) sut.applyCatalog(e);
  });

  it('finds the product by GTIN-14, ranks its offers with the shared rules and maps them to the catalog views', () => {
    const r = sut.scan({ gtin: '06901234000016', storeId: 's1' }, NOW);
    expect(r.product).toEqual({ sku: 'milk', gtin: '06901234000016', name: 'milk', price: 1500, currency: 'CNY', merchantId: 'm1' });
    expect(r.storeId).toBe('s1');
    expect(r.coupons.map((c) => [c.couponId, c.matchScore])).toEqual([['c-sku', 4], ['c-dairy', 2], ['c-s1', 1]]);
    expect(r.best).toEqual({
      couponId: 'c-sku', merchantId: 'm1', title: 'c-sku', discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: { skus: ['milk'] }, storeIds: [],
      claimableUntil: new Date(NOW + DAY).toISOString(), remaining: 10, matchScore: 4,
    });
    // maxDiscount: null is left out, as the catalog stores the discount.
    expect(r.coupons[1].discount).toEqual({ type: 'PERCENT_OFF', percent: 10 });
  });

  it.each([
    ['an unknown store is no store', { gtin: '06901234000016', storeId: 'nowhere' }, null, ['c-sku', 'c-dairy', 'c-s1']],
    ['a sku when the GTIN is unknown', { gtin: '00000000000017', sku: 'cola', storeId: 's1' }, 's1', ['c-drinks', 'c-s1']],
    ['no product: only whole-order and store coupons', { storeId: 's1' }, 's1', ['c-s1']],
  ])('%s', (_, query, storeId, offered) => {
    const r = sut.scan(query, NOW);
    expect(r.storeId).toBe(storeId);
    expect(r.coupons.map((c) => c.couponId)).toEqual(offered);
  });

  it('says where a coupon applies (for wallet entries), and null for a coupon it has not seen', () => {
    sut.applyCatalog(coupon('c-min', { minSpend: 5000, storeIds: ['s1'], target: { brands: ['Acme'] } }));
    expect(sut.couponScope('c-min')).toEqual({ storeIds: ['s1'], target: { brands: ['Acme'] }, minSpend: 5000 });
    expect(sut.couponScope('c-dairy')).toEqual({ storeIds: [], target: { categories: ['dairy'] }, minSpend: 0 });
    expect(sut.couponScope('c-none')).toBeNull();
  });

  it('counts issued by the highest issue sequence, so a redelivered claim is not counted twice; sold out is not offered', () => {
    sut.applyIssued('c-sku', 3);
    sut.applyIssued('c-sku', 3);
    sut.applyIssued('c-sku', 2);
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.find((c) => c.couponId === 'c-sku')?.remaining).toBe(7);
    sut.applyIssued('c-sku', 10);
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.map((c) => c.couponId)).not.toContain('c-sku');
  });

  it('keeps the first creation of a coupon, follows its status, and leaves the claim window to the rules', () => {
    sut.applyCatalog(coupon('c-sku', { title: 'again', status: 'ACTIVE' }));
    sut.applyCatalog({ type: CatalogEventTypes.couponStatusChanged, payload: { couponId: 'c-dairy', status: 'PAUSED' } } as any);
    const r = sut.scan({ sku: 'milk' }, NOW);
    expect(r.coupons.map((c) => [c.couponId, c.title])).toEqual([['c-sku', 'c-sku'], ['c-s1', 'c-s1']]);
    expect(sut.scan({ sku: 'milk' }, NOW + 2 * DAY).coupons.map((c) => c.couponId)).toEqual(['c-s1']);
  });

  it('follows a coupon edit: title, priority and claim window in the offer, ENDED not offered', () => {
    const until = new Date(NOW + 3 * DAY).toISOString();
    sut.scan({ sku: 'milk' }, NOW);
    sut.applyCatalog({ type: CouponEditEventTypes.couponUpdated, payload: { couponId: 'c-sku', title: 'Now 2 off', priority: 0, claimableUntil: until, status: 'ACTIVE' } } as any);
    expect(sut.scan({ sku: 'milk' }, NOW + 2 * DAY).coupons.find((c) => c.couponId === 'c-sku')).toMatchObject({ title: 'Now 2 off', claimableUntil: until });
    sut.applyCatalog({ type: CouponEditEventTypes.couponUpdated, payload: { couponId: 'c-sku', title: 'Now 2 off', priority: 0, claimableUntil: until, status: 'ENDED' } } as any);
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.map((c) => c.couponId)).not.toContain('c-sku');
  });

  it('takes changed stock terms, also when they come before the coupon: a restocked coupon is offered again', () => {
    sut.applyIssued('c-sku', 10);
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.map((c) => c.couponId)).not.toContain('c-sku');
    sut.applyStockTerms('c-sku', 15, 1);
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.find((c) => c.couponId === 'c-sku')?.remaining).toBe(5);
    sut.applyStockTerms('c-late', 3, 1);
    sut.applyCatalog(coupon('c-late', { target: { skus: ['milk'] } }));
    expect(sut.scan({ sku: 'milk' }, NOW).coupons.find((c) => c.couponId === 'c-late')?.remaining).toBe(3);
  });

  it('moves a product to its new GTIN and joins displays with current products, skipping unknown skus', () => {
    sut.applyCatalog(product('milk', { gtin: '06901234000023', category: 'dairy', price: 1600 }));
    expect(sut.scan({ gtin: '06901234000016' }, NOW).product).toBeNull();
    expect(sut.scan({ gtin: '06901234000023' }, NOW).product).toMatchObject({ sku: 'milk', price: 1600 });
    sut.applyCatalog({ type: CatalogEventTypes.storeDisplaysSet, payload: { storeId: 's1', items: [{ sku: 'ghost', headline: 'x' }, { sku: 'milk', headline: 'Fresh' }] } } as any);
    expect(sut.scan({ storeId: 's1' }, NOW).displays).toEqual([{ sku: 'milk', name: 'milk', headline: 'Fresh', price: 1600, currency: 'CNY' }]);
    expect(sut.scan({}, NOW).displays).toEqual([]);
  });

  it('follows events that come after a scan: what it kept for scans (candidates, stock, views, displays) is not served stale', () => {
    // Every derivation is filled by these first scans, then each kind of event changes what they depend on.
    expect(sut.scan({ sku: 'milk', storeId: 's1' }, NOW).coupons.map((c) => c.couponId)).toEqual(['c-sku', 'c-dairy', 'c-s1']);
    expect(sut.scan({ storeId: 's1' }, NOW).coupons.map((c) => c.couponId)).toEqual(['c-s1']);
    sut.applyCatalog({ type: CatalogEventTypes.storeDisplaysSet, payload: { storeId: 's1', items: [{ sku: 'milk', headline: 'Fresh' }] } } as any);
    expect(sut.scan({ storeId: 's1' }, NOW).displays).toMatchObject([{ sku: 'milk', price: 1500 }]);

    sut.applyCatalog(coupon('c-new-sku', { target: { skus: ['milk'] }, priority: 9 }));
    sut.applyCatalog(coupon('c-whole'));
    sut.applyCatalog({ type: CatalogEventTypes.couponStatusChanged, payload: { couponId: 'c-dairy', status: 'PAUSED' } } as any);
    sut.applyIssued('c-sku', 4);
    expect(sut.scan({ sku: 'milk', storeId: 's1' }, NOW).coupons.map((c) => [c.couponId, c.remaining])).toEqual([
      ['c-new-sku', 10], ['c-sku', 6], ['c-s1', 10], ['c-whole', 10],
    ]);
    expect(sut.scan({ storeId: 's1' }, NOW).coupons.map((c) => c.couponId)).toEqual(['c-s1', 'c-whole']);

    // The product moves to another category (and price): its candidates and the displays joined with it follow.
    sut.applyCatalog(product('milk', { gtin: '06901234000016', category: 'drinks', brand: 'Acme', price: 1700 }));
    expect(sut.scan({ sku: 'milk', storeId: 's1' }, NOW).coupons.map((c) => c.couponId)).toEqual(expect.arrayContaining(['c-drinks']));
    expect(sut.scan({ sku: 'milk', storeId: 's1' }, NOW).coupons.map((c) => c.couponId)).not.toContain('c-dairy');
    expect(sut.scan({ storeId: 's1' }, NOW).displays).toMatchObject([{ sku: 'milk', price: 1700 }]);
    sut.applyCatalog({ type: CatalogEventTypes.storeDisplaysSet, payload: { storeId: 's1', items: [] } } as any);
    expect(sut.scan({ storeId: 's1' }, NOW).displays).toEqual([]);
  });
});

describe('ScanModel: tenancy', () => {
  const GTIN = '06901234000016';
  let sut: ScanModel;
  beforeEach(() => {
    sut = new ScanModel();
    for (const e of [
      store('s1'),
      { ...store('s2'), payload: { merchantId: 'm2', storeId: 's2', name: 's2' } },
      product('milk', { gtin: GTIN, category: 'dairy', price: 1500 }),
      product('milk', { merchantId: 'm2', gtin: GTIN, category: 'dairy', name: 'Other milk', price: 1800 }),
      product('only-m2', { merchantId: 'm2', gtin: '06904567000012' }),
      coupon('m1-milk', { target: { skus: ['milk'] } }),
      coupon('m1-dairy', { target: { categories: ['dairy'] }, discount: { type: 'AMOUNT_OFF', amount: 50 } }),
      coupon('m1-all'),
      coupon('m2-milk', { merchantId: 'm2', target: { skus: ['milk'] }, discount: { type: 'AMOUNT_OFF', amount: 300 } }),
      coupon('m2-all', { merchantId: 'm2', discount: { type: 'AMOUNT_OFF', amount: 10 } }),
    ]) sut.applyCatalog(e);
  });

  it("at a store: that store's merchant's product and coupons only (a same-named sku or category of another merchant matches nothing)", () => {
    const r1 = sut.scan({ gtin: GTIN, storeId: 's1' }, NOW);
    expect(r1.product).toMatchObject({ sku: 'milk', price: 1500, merchantId: 'm1' });
    expect(r1.coupons.map((c) => [c.couponId, c.merchantId])).toEqual([['m1-milk', 'm1'], ['m1-dairy', 'm1'], ['m1-all', 'm1']]);
    const r2 = sut.scan({ gtin: GTIN, storeId: 's2' }, NOW);
    expect(r2.product).toMatchObject({ name: 'Other milk', merchantId: 'm2' });
    expect(r2.coupons.map((c) => c.couponId)).toEqual(['m2-milk', 'm2-all']);
  });

  it('at a store whose merchant does not carry the GTIN: no product, only its whole-order coupons', () => {
    const r = sut.scan({ gtin: '06904567000012', storeId: 's1' }, NOW);
    expect(r.product).toBeNull();
    expect(r.coupons.map((c) => c.couponId)).toEqual(['m1-all']);
  });

  it('without a store, a GTIN several merchants carry: every carrier\'s offers ranked together, each labelled, the product of the best one', () => {
    const r = sut.scan({ gtin: GTIN }, NOW);
    expect(r.coupons.map((c) => [c.couponId, c.merchantId])).toEqual([['m2-milk', 'm2'], ['m1-milk', 'm1'], ['m1-dairy', 'm1'], ['m1-all', 'm1'], ['m2-all', 'm2']]);
    expect(r.best?.merchantId).toBe('m2');
    expect(r.product).toMatchObject({ name: 'Other milk', merchantId: 'm2' });
  });

  it('without a store, a GTIN one merchant carries: its offers only', () => {
    const r = sut.scan({ gtin: '06904567000012' }, NOW);
    expect(r.product).toMatchObject({ sku: 'only-m2', merchantId: 'm2' });
    expect(r.coupons.map((c) => c.couponId)).toEqual(['m2-all']);
  });

  it("joins a store's displays with its own merchant's products", () => {
    sut.applyCatalog({ type: CatalogEventTypes.storeDisplaysSet, payload: { merchantId: 'm2', storeId: 's2', items: [{ sku: 'milk', headline: 'h' }] } } as any);
    expect(sut.scan({ storeId: 's2' }, NOW).displays).toEqual([{ sku: 'milk', name: 'Other milk', headline: 'h', price: 1800, currency: 'CNY' }]);
  });
});
