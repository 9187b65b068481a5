import { CatalogEventTypes, CouponEditEventTypes } from '@coupons/contracts';
import { ScanModel } from './scan-model';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

function coupon(couponId: string, over: Record<string, unknown> = {}) {
  return {
    type: CatalogEventTypes.couponCreated,
    payload: {
      couponId, title: couponId, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10, perUserLimit: 1,
      claimableFrom: null, claimableUntil: null, validDaysAfterClaim: null, validUntil: null, priority: 0, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z',
      ...over,
    },
  } as any;
}
const store = (storeId: string) => ({ type: CatalogEventTypes.storeUpserted, payload: { storeId, name: storeId } }) as any;
const product = (sku: string, over: Record<string, unknown> = {}) =>
  ({ type: CatalogEventTypes.productUpserted, payload: { sku, name: sku, price: 1000, currency: 'CNY', gtin: null, category: null, brand: null, ...over } }) as any;

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
    expect(r.product).toEqual({ sku: 'milk', gtin: '06901234000016', name: 'milk', price: 1500, currency: 'CNY' });
    expect(r.storeId).toBe('s1');
    expect(r.coupons.map((c) => [c.couponId, c.matchScore])).toEqual([['c-sku', 4], ['c-dairy', 2], ['c-s1', 1]]);
    expect(r.best).toEqual({
      couponId: 'c-sku', title: 'c-sku', discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: { skus: ['milk'] }, storeIds: [],
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
