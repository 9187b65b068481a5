import { CouponDefinition, ProductInfo } from './coupon';
import { compareOffers, CouponWithStock, Offer, offersForScan as sut, offerValue } from './offer-ranking';
import { aCoupon, aProduct, HOUR, T0 } from './testing/builders';

const milk = aProduct({ price: 2000 });

function stock(overrides: Partial<CouponDefinition>, issued = 0): CouponWithStock {
  return { coupon: aCoupon(overrides), issued };
}

function rank(coupons: CouponWithStock[], product: ProductInfo | null = milk, storeId: string | null = 'S1'): string[] {
  return sut({ product, storeId, coupons, now: T0 }).offers.map((offer) => offer.couponId);
}

describe('offerValue', () => {
  it.each<[string, Partial<CouponDefinition>, ProductInfo | undefined, number]>([
    ['AMOUNT_OFF on one unit', { discount: { type: 'AMOUNT_OFF', amount: 500 } }, milk, 500],
    ['AMOUNT_OFF capped at unit price', { discount: { type: 'AMOUNT_OFF', amount: 5000 } }, milk, 2000],
    ['PERCENT_OFF on one unit', { discount: { type: 'PERCENT_OFF', percent: 15 } }, aProduct({ price: 999 }), 149],
    ['PERCENT_OFF capped', { discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 300 } }, milk, 300],
    ['unit value ignores minSpend', { discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 10000 }, milk, 500],
    ['no product: AMOUNT_OFF is its amount even with minSpend 0', { discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0 }, undefined, 500],
    ['no product: AMOUNT_OFF is its amount above minSpend', { discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 300 }, undefined, 500],
    ['no product: PERCENT_OFF on minSpend', { discount: { type: 'PERCENT_OFF', percent: 10 }, minSpend: 5000 }, undefined, 500],
    ['no product: PERCENT_OFF on minSpend, capped', { discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: 200 }, minSpend: 5000 }, undefined, 200],
    ['no product: PERCENT_OFF without minSpend is 0', { discount: { type: 'PERCENT_OFF', percent: 10 }, minSpend: 0 }, undefined, 0],
    ['no product: PERCENT_OFF with absent minSpend is 0', { discount: { type: 'PERCENT_OFF', percent: 10 }, minSpend: undefined }, undefined, 0],
  ])('%s → %p', (_name, coupon, product, expected) => {
    expect(offerValue(aCoupon(coupon), product)).toBe(expected);
  });
});

describe('offersForScan', () => {
  it('maps an offer with defaults filled in', () => {
    const coupon = aCoupon({
      couponId: 'c1',
      title: '5 off',
      minSpend: undefined,
      target: undefined,
      storeIds: undefined,
      priority: undefined,
      claimableUntil: T0 + HOUR,
    });
    const result = sut({ product: milk, storeId: 'S1', coupons: [{ coupon, issued: 40 }], now: T0 });
    expect(result.best).toEqual<Offer>({
      couponId: 'c1',
      title: '5 off',
      discount: { type: 'AMOUNT_OFF', amount: 500 },
      minSpend: 0,
      target: {},
      storeIds: [],
      claimableUntil: T0 + HOUR,
      remaining: 60,
      matchScore: 0,
      value: 500,
      priority: 0,
    });
    expect(result.offers).toEqual([result.best]);
  });

  it('returns no offers and best null when nothing qualifies', () => {
    expect(sut({ product: milk, storeId: 'S1', coupons: [stock({ status: 'PAUSED' })], now: T0 })).toEqual({ offers: [], best: null });
  });

  it.each<[string, CouponWithStock[], string[]]>([
    [
      'excludes paused, out-of-window, out-of-stock, other-store and non-matching coupons',
      [
        stock({ couponId: 'ok' }),
        stock({ couponId: 'paused', status: 'PAUSED' }),
        stock({ couponId: 'early', claimableFrom: T0 + 1 }),
        stock({ couponId: 'late', claimableUntil: T0 - 1 }),
        stock({ couponId: 'sold-out', totalQuantity: 5 }, 5),
        stock({ couponId: 'other-store', storeIds: ['S2'] }),
        stock({ couponId: 'other-product', target: { skus: ['SKU-BREAD'] } }),
      ],
      ['ok'],
    ],
    [
      'score: sku (4) > category (2) = brand (2) > whole order (0); value breaks the 2-tie',
      [
        stock({ couponId: 'whole', discount: { type: 'AMOUNT_OFF', amount: 1900 } }),
        stock({ couponId: 'brand', target: { brands: ['acme'] }, discount: { type: 'AMOUNT_OFF', amount: 300 } }),
        stock({ couponId: 'category', target: { categories: ['dairy'] }, discount: { type: 'AMOUNT_OFF', amount: 200 } }),
        stock({ couponId: 'sku', target: { skus: ['SKU-MILK'] }, discount: { type: 'AMOUNT_OFF', amount: 100 } }),
      ],
      ['sku', 'brand', 'category', 'whole'],
    ],
    [
      'store bonus: listed store (+1) outranks every-store at the same product score',
      [stock({ couponId: 'a-every-store' }), stock({ couponId: 'b-listed-store', storeIds: ['S1', 'S2'] })],
      ['b-listed-store', 'a-every-store'],
    ],
    [
      'store bonus does not beat a higher product score (category+store 3 < sku 4)',
      [
        stock({ couponId: 'cat-store', target: { categories: ['dairy'] }, storeIds: ['S1'] }),
        stock({ couponId: 'sku', target: { skus: ['SKU-MILK'] } }),
      ],
      ['sku', 'cat-store'],
    ],
    [
      'same score: higher value on one unit first (PERCENT_OFF 30% of 2000 = 600 > 500)',
      [stock({ couponId: 'a-amount', discount: { type: 'AMOUNT_OFF', amount: 500 } }), stock({ couponId: 'b-percent', discount: { type: 'PERCENT_OFF', percent: 30 } })],
      ['b-percent', 'a-amount'],
    ],
    [
      'value uses the capped discount on one unit (AMOUNT_OFF 5000 on 2000 = 2000 ties with 100%)',
      [
        stock({ couponId: 'b-amount', discount: { type: 'AMOUNT_OFF', amount: 5000 }, priority: 1 }),
        stock({ couponId: 'a-percent', discount: { type: 'PERCENT_OFF', percent: 100 } }),
      ],
      ['b-amount', 'a-percent'],
    ],
    [
      'same score and value: higher priority first',
      [stock({ couponId: 'a-low', priority: 1 }), stock({ couponId: 'b-high', priority: 5 }), stock({ couponId: 'c-neg', priority: -1 })],
      ['b-high', 'a-low', 'c-neg'],
    ],
    [
      'same score, value, priority: earlier claimableUntil first, absent last',
      [
        stock({ couponId: 'a-open' }),
        stock({ couponId: 'b-later', claimableUntil: T0 + 2 * HOUR }),
        stock({ couponId: 'c-sooner', claimableUntil: T0 + HOUR }),
        stock({ couponId: 'd-null', claimableUntil: null }),
      ],
      ['c-sooner', 'b-later', 'a-open', 'd-null'],
    ],
    [
      'full tie: couponId ascending (code-unit order)',
      [stock({ couponId: 'c2' }), stock({ couponId: 'C3' }), stock({ couponId: 'c10' }), stock({ couponId: 'c1' })],
      ['C3', 'c1', 'c10', 'c2'],
    ],
  ])('%s', (_name, coupons, expected) => {
    expect(rank(coupons)).toEqual(expected);
  });

  it.each<[string, CouponWithStock[], string[]]>([
    [
      'store scan without product offers only whole-order coupons, store coupons first',
      [
        stock({ couponId: 'whole' }),
        stock({ couponId: 'store-whole', storeIds: ['S1'] }),
        stock({ couponId: 'store-targeted', storeIds: ['S1'], target: { skus: ['SKU-MILK'] } }),
        stock({ couponId: 'targeted', target: { categories: ['dairy'] } }),
        stock({ couponId: 'other-store', storeIds: ['S2'] }),
      ],
      ['store-whole', 'whole'],
    ],
    [
      'store scan without product ranks AMOUNT_OFF by amount and PERCENT_OFF by value on minSpend',
      [
        stock({ couponId: 'amount-300', discount: { type: 'AMOUNT_OFF', amount: 300 } }),
        stock({ couponId: 'percent-10-of-5000', discount: { type: 'PERCENT_OFF', percent: 10 }, minSpend: 5000 }),
        stock({ couponId: 'percent-no-min', discount: { type: 'PERCENT_OFF', percent: 50 } }),
      ],
      ['percent-10-of-5000', 'amount-300', 'percent-no-min'],
    ],
  ])('%s', (_name, coupons, expected) => {
    expect(rank(coupons, null, 'S1')).toEqual(expected);
  });

  it('product scan with unknown store keeps store-restricted coupons without the store bonus', () => {
    const result = sut({ product: milk, coupons: [stock({ couponId: 'store', storeIds: ['S9'] })], now: T0 });
    expect(result.best).toMatchObject({ couponId: 'store', matchScore: 0 });
  });

  it('best is the first offer', () => {
    const result = sut({ product: milk, storeId: 'S1', coupons: [stock({ couponId: 'b' }), stock({ couponId: 'a' })], now: T0 });
    expect(result.best).toBe(result.offers[0]);
    expect(result.best?.couponId).toBe('a');
  });

  it('compareOffers is 0 for the same coupon', () => {
    const [offer] = sut({ product: milk, coupons: [stock({})], now: T0 }).offers;
    expect(compareOffers(offer, offer)).toBe(0);
  });

  it('rejects a non-integer priority', () => {
    expect(() => sut({ product: milk, coupons: [stock({ priority: 0.5 })], now: T0 })).toThrow(RangeError);
  });
});
