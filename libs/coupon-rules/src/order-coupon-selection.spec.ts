import { ClaimedCoupon, OrderLine } from './coupon';
import { bestCouponForOrder, BestCouponResult, CouponApplication, discountFor as sut } from './order-coupon-selection';
import { aClaim, aLine, HOUR, T0 } from './testing/builders';

const milk = aLine({ sku: 'SKU-MILK', quantity: 2, unitPrice: 1500, category: 'dairy', brand: 'acme' }); // 3000
const bread = aLine({ sku: 'SKU-BREAD', quantity: 1, unitPrice: 800, category: 'bakery', brand: 'bakeco' }); // 800
const cheese = aLine({ sku: 'SKU-CHEESE', quantity: 3, unitPrice: 1000, category: 'dairy', brand: 'other' }); // 3000
const basket = [milk, bread, cheese]; // 6800

describe('discountFor', () => {
  it.each<[string, ClaimedCoupon, OrderLine[], string | null | undefined, number, CouponApplication]>([
    ['whole-order AMOUNT_OFF', aClaim(), basket, 'S1', T0, { applies: true, discount: 500, eligible: 6800 }],
    ['REDEEMED claim', aClaim({ status: 'REDEEMED' }), basket, 'S1', T0, { applies: false, reason: 'REDEEMED' }],
    ['EXPIRED claim', aClaim({ status: 'EXPIRED' }), basket, 'S1', T0, { applies: false, reason: 'EXPIRED' }],
    ['now == validUntil still valid', aClaim({ validUntil: T0 }), basket, 'S1', T0, { applies: true, discount: 500, eligible: 6800 }],
    ['1 ms past validUntil', aClaim({ validUntil: T0 }), basket, 'S1', T0 + 1, { applies: false, reason: 'EXPIRED' }],
    ['no expiry', aClaim({ validUntil: null }), basket, 'S1', T0 + 1e12, { applies: true, discount: 500, eligible: 6800 }],
    ['store listed', aClaim({}, { storeIds: ['S1', 'S2'] }), basket, 'S2', T0, { applies: true, discount: 500, eligible: 6800 }],
    ['store not listed', aClaim({}, { storeIds: ['S1'] }), basket, 'S9', T0, { applies: false, reason: 'STORE_NOT_ELIGIBLE' }],
    ['store-restricted, order store unknown', aClaim({}, { storeIds: ['S1'] }), basket, undefined, T0, { applies: false, reason: 'STORE_NOT_ELIGIBLE' }],
    ['every-store coupon, order store unknown', aClaim(), basket, null, T0, { applies: true, discount: 500, eligible: 6800 }],
    ['sku target in mixed basket', aClaim({}, { target: { skus: ['SKU-MILK'] }, discount: { type: 'PERCENT_OFF', percent: 10 } }), basket, 'S1', T0, { applies: true, discount: 300, eligible: 3000 }],
    ['category target in mixed basket', aClaim({}, { target: { categories: ['dairy'] }, discount: { type: 'PERCENT_OFF', percent: 10 } }), basket, 'S1', T0, { applies: true, discount: 600, eligible: 6000 }],
    ['brand target in mixed basket', aClaim({}, { target: { brands: ['bakeco'] }, discount: { type: 'PERCENT_OFF', percent: 10 } }), basket, 'S1', T0, { applies: true, discount: 80, eligible: 800 }],
    ['target matches nothing', aClaim({}, { target: { skus: ['SKU-NONE'] } }), basket, 'S1', T0, { applies: false, reason: 'NO_ELIGIBLE_ITEMS' }],
    ['empty order', aClaim(), [], 'S1', T0, { applies: false, reason: 'NO_ELIGIBLE_ITEMS' }],
    ['only free items match', aClaim(), [aLine({ unitPrice: 0 })], 'S1', T0, { applies: false, reason: 'NO_ELIGIBLE_ITEMS' }],
    ['minSpend equal to eligible passes', aClaim({}, { minSpend: 6800 }), basket, 'S1', T0, { applies: true, discount: 500, eligible: 6800 }],
    ['minSpend one more than eligible fails', aClaim({}, { minSpend: 6801 }), basket, 'S1', T0, { applies: false, reason: 'MIN_SPEND_NOT_MET' }],
    ['minSpend counts only targeted items', aClaim({}, { minSpend: 3001, target: { skus: ['SKU-MILK'] } }), basket, 'S1', T0, { applies: false, reason: 'MIN_SPEND_NOT_MET' }],
    ['absent minSpend = 0', aClaim({}, { minSpend: undefined }), basket, 'S1', T0, { applies: true, discount: 500, eligible: 6800 }],
    ['AMOUNT_OFF capped at eligible', aClaim({}, { discount: { type: 'AMOUNT_OFF', amount: 5000 }, target: { brands: ['bakeco'] } }), basket, 'S1', T0, { applies: true, discount: 800, eligible: 800 }],
    ['PERCENT_OFF floors', aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 15 } }), [aLine({ unitPrice: 333, quantity: 3 })], 'S1', T0, { applies: true, discount: 149, eligible: 999 }],
    ['PERCENT_OFF capped by maxDiscount', aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 1000 } }), basket, 'S1', T0, { applies: true, discount: 1000, eligible: 6800 }],
    ['PERCENT_OFF may floor to 0 and still apply', aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 1 } }), [aLine({ unitPrice: 50 })], 'S1', T0, { applies: true, discount: 0, eligible: 50 }],
    [
      'large integers exact',
      aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 33 } }),
      [aLine({ unitPrice: 3_002_399_751_580_330, quantity: 3 }), aLine({ unitPrice: 1, quantity: 1 })],
      'S1',
      T0,
      { applies: true, discount: 2972375754064527, eligible: Number.MAX_SAFE_INTEGER },
    ],
  ])('%s', (_name, claim, lines, storeId, now, expected) => {
    expect(sut(claim, lines, storeId, now)).toEqual(expected);
  });
});

it('discountFor rejects a negative minSpend', () => {
  expect(() => sut(aClaim({}, { minSpend: -1 }), basket, 'S1', T0)).toThrow(RangeError);
});

describe('bestCouponForOrder', () => {
  function choose(claims: ClaimedCoupon[], lines: OrderLine[] = basket, storeId: string | null = 'S1'): BestCouponResult {
    return bestCouponForOrder({ claims, lines, storeId, now: T0 });
  }

  it.each<[string, ClaimedCoupon[], string | null]>([
    ['no claims', [], null],
    ['only inapplicable claims', [aClaim({ claimId: 'r', status: 'REDEEMED' }), aClaim({ claimId: 'm' }, { minSpend: 10_000 })], null],
    [
      'largest discount wins',
      [
        aClaim({ claimId: 'a-500' }),
        aClaim({ claimId: 'b-10pct' }, { discount: { type: 'PERCENT_OFF', percent: 10 } }), // 680
        aClaim({ claimId: 'c-dairy-20pct' }, { discount: { type: 'PERCENT_OFF', percent: 20 }, target: { categories: ['dairy'] } }), // 1200
      ],
      'c-dairy-20pct',
    ],
    [
      'equal discount: earlier validUntil wins',
      [aClaim({ claimId: 'a-late', validUntil: T0 + 2 * HOUR }), aClaim({ claimId: 'b-soon', validUntil: T0 + HOUR })],
      'b-soon',
    ],
    [
      'equal discount: no expiry ranks after any validUntil',
      [aClaim({ claimId: 'a-forever', validUntil: null }), aClaim({ claimId: 'b-dated', validUntil: T0 + 99 * HOUR })],
      'b-dated',
    ],
    [
      'equal discount and validUntil: earlier claimedAt wins',
      [aClaim({ claimId: 'a-new', claimedAt: T0 - HOUR }), aClaim({ claimId: 'b-old', claimedAt: T0 - 2 * HOUR })],
      'b-old',
    ],
    ['full tie: smallest claimId wins', [aClaim({ claimId: 'cl-2' }), aClaim({ claimId: 'cl-10' }), aClaim({ claimId: 'cl-3' })], 'cl-10'],
    [
      'a bigger discount beats an earlier expiry',
      [aClaim({ claimId: 'a-soon', validUntil: T0 }), aClaim({ claimId: 'b-bigger', validUntil: T0 + HOUR }, { discount: { type: 'AMOUNT_OFF', amount: 501 } })],
      'b-bigger',
    ],
    [
      'store-restricted claim for another store is skipped',
      [aClaim({ claimId: 'a-other-store' }, { storeIds: ['S9'], discount: { type: 'AMOUNT_OFF', amount: 3000 } }), aClaim({ claimId: 'b-any' })],
      'b-any',
    ],
    [
      'zero-discount claim is never chosen',
      [aClaim({ claimId: 'a-zero' }, { discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 0 } })],
      null,
    ],
  ])('%s', (_name, claims, expectedClaimId) => {
    expect(choose(claims).chosen?.claimId ?? null).toBe(expectedClaimId);
  });

  it('prices the order with the chosen coupon and reports every claim', () => {
    const claims = [
      aClaim({ claimId: 'redeemed', couponId: 'c-r', status: 'REDEEMED' }),
      aClaim({ claimId: 'dairy', couponId: 'c-d' }, { discount: { type: 'PERCENT_OFF', percent: 20 }, target: { categories: ['dairy'] } }),
    ];
    expect(choose(claims)).toEqual<BestCouponResult>({
      subtotal: 6800,
      discount: 1200,
      total: 5600,
      chosen: { claimId: 'dairy', couponId: 'c-d', discount: 1200, eligible: 6000 },
      evaluations: [
        { claimId: 'redeemed', couponId: 'c-r', result: { applies: false, reason: 'REDEEMED' } },
        { claimId: 'dairy', couponId: 'c-d', result: { applies: true, discount: 1200, eligible: 6000 } },
      ],
    });
  });

  it.each<[string, ClaimedCoupon[], OrderLine[], number, number, number]>([
    ['no coupon: total = subtotal', [], basket, 6800, 0, 6800],
    ['AMOUNT_OFF larger than the order: total 0, never negative', [aClaim({}, { discount: { type: 'AMOUNT_OFF', amount: 100_000 } })], basket, 6800, 6800, 0],
    ['100% off: total 0', [aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 100 } })], basket, 6800, 6800, 0],
    ['targeted AMOUNT_OFF capped at targeted lines', [aClaim({}, { discount: { type: 'AMOUNT_OFF', amount: 100_000 }, target: { skus: ['SKU-BREAD'] } })], basket, 6800, 800, 6000],
    ['empty order', [aClaim()], [], 0, 0, 0],
    [
      'large integers exact',
      [aClaim({}, { discount: { type: 'PERCENT_OFF', percent: 33 } })],
      [aLine({ unitPrice: 3_002_399_751_580_330, quantity: 3 }), aLine({ unitPrice: 1, quantity: 1 })],
      Number.MAX_SAFE_INTEGER,
      2972375754064527,
      Number.MAX_SAFE_INTEGER - 2972375754064527,
    ],
  ])('%s', (_name, claims, lines, subtotal, discount, total) => {
    expect(choose(claims, lines)).toMatchObject({ subtotal, discount, total });
  });
});
