import { CancelOrder, Envelope, OrderProcessed, OrderRejected, PlaceOrder, envelope } from '@coupons/contracts';
import { OrderProduct, OrderingState, StoredOrder, UserClaim, decideOrderCommand } from './decisions';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const T = NOW.getTime();

const products: OrderProduct[] = [
  { sku: 'tea', price: 1000, currency: 'CNY', category: 'drinks', brand: 'Leaf' },
  { sku: 'cake', price: 2550, currency: 'CNY', category: 'bakery', brand: 'Sweet' },
  { sku: 'milk', price: 1299, currency: 'CNY', category: 'dairy', brand: 'Acme' },
  { sku: 'gum', price: 199, currency: 'USD', category: null, brand: null },
];

function claim(claimId: string, couponId: string, coupon: UserClaim['coupon'], over: Partial<UserClaim> = {}): UserClaim {
  return { claimId, couponId, title: `t-${couponId}`, claimedAt: T - 1000, validUntil: T + 1000, status: 'AVAILABLE', coupon, couponMerchantId: 'm-1', ...over };
}

function stateWith(claims: UserClaim[], orders: StoredOrder[] = [], redemptions: Record<string, string> = {}): OrderingState {
  return {
    storeMerchant: async (id) => (id === 's-1' || id === 's-2' ? 'm-1' : id === 's-other' ? 'm-2' : null),
    products: async (_merchantId, skus) => new Map(products.filter((p) => skus.includes(p.sku)).map((p) => [p.sku, p])),
    order: async (id) => orders.find((o) => o.orderId === id) ?? null,
    claimsOf: async () => claims,
    claim: async (id) => claims.find((c) => c.claimId === id) ?? null,
    redeemedBy: async (id) => redemptions[id] ?? null,
  };
}

const place = (p: Partial<PlaceOrder>): Envelope<PlaceOrder> =>
  envelope('PlaceOrder', { orderId: 'o-1', userId: 'u-1', storeId: 's-1', items: [{ sku: 'tea', quantity: 1 }], requestedAt: NOW.toISOString(), ...p } as PlaceOrder, {
    aggregateId: 'u-1', correlationId: 'c', eventId: 'cmd-1',
  });

const amountOff = (amount: number, over: Partial<NonNullable<UserClaim['coupon']>> = {}): UserClaim['coupon'] => ({ discount: { type: 'AMOUNT_OFF', amount }, ...over });

describe('decideOrderCommand: PlaceOrder', () => {
  it.each([
    ['unknown store', { storeId: 's-x' }, 'UNKNOWN_STORE', [{ field: 'storeId', message: 'unknown store s-x' }]],
    ['unknown skus', { items: [{ sku: 'tea', quantity: 1 }, { sku: 'x', quantity: 1 }] }, 'UNKNOWN_SKU', [{ field: 'items[1].sku', message: 'unknown sku x' }]],
    ['mixed currencies', { items: [{ sku: 'tea', quantity: 1 }, { sku: 'gum', quantity: 1 }] }, 'CURRENCY_MISMATCH', [{ field: 'items[1].sku', message: 'priced in USD, not CNY' }]],
  ])('refuses %s', async (_name, p, code, details) => {
    const [e, ...rest] = await decideOrderCommand(place(p as Partial<PlaceOrder>), stateWith([]), NOW);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ type: 'OrderRejected', causationId: 'cmd-1', aggregateId: 'u-1', payload: { code, details } });
  });

  // Basket: tea 2 x 1000 + cake 2550 + milk 1299 = 5849 at s-1.
  const basket = { items: [{ sku: 'tea', quantity: 2 }, { sku: 'cake', quantity: 1 }, { sku: 'milk', quantity: 1 }] };
  const claims = [
    claim('a', 'c-drinks', amountOff(5000, { target: { categories: ['drinks'] } })), // min(5000, 2000) = 2000
    claim('b', 'c-pct', { discount: { type: 'PERCENT_OFF', percent: 50, maxDiscount: 2500 } }), // 2924 -> 2500
    claim('c', 'c-s2', amountOff(4000, { storeIds: ['s-2'] })), // wrong store
    claim('d', 'c-min', amountOff(3000, { minSpend: 5850 })), // one fen short
    claim('e', 'c-old', amountOff(3000), { validUntil: T - 1 }), // expired
    claim('f', 'c-used', amountOff(3000), { status: 'REDEEMED' }),
    claim('g', 'c-noterms', null), // catalog terms not folded yet
  ];

  it("applies only the store's merchant's coupons (a coupon valid in every store is valid in every store of its merchant)", async () => {
    const theirs = [claim('t', 'c-theirs', amountOff(5000), { couponMerchantId: 'm-2' })];
    const [chosen] = await decideOrderCommand(place(basket), stateWith([...theirs, claims[0]]), NOW);
    expect((chosen as Envelope<OrderProcessed>).payload.appliedCoupon?.claimId).toBe('a');
    const [refused] = await decideOrderCommand(place({ ...basket, couponId: 'c-theirs' }), stateWith(theirs), NOW);
    expect(refused).toMatchObject({ type: 'OrderRejected', payload: { code: 'COUPON_NOT_APPLICABLE', details: [{ field: 'couponId', message: 'it is not valid in this store' }] } });
    // At the other merchant's store, its coupon applies.
    const [atTheirs] = await decideOrderCommand(place({ ...basket, storeId: 's-other' }), stateWith(theirs), NOW);
    expect((atTheirs as Envelope<OrderProcessed>).payload.appliedCoupon?.claimId).toBe('t');
  });

  it.each([
    ['the best applicable one', undefined, 'b', 2500],
    ['none with couponId null', null, null, 0],
    ['the named one even when another is better', 'c-drinks', 'a', 2000],
  ])('applies %s', async (_name, couponId, claimId, discount) => {
    const events = await decideOrderCommand(place({ ...basket, couponId: couponId as string | null | undefined }), stateWith(claims), NOW);
    const processed = events[0] as Envelope<OrderProcessed>;
    expect(processed.payload).toMatchObject({ subtotal: 5849, discount, total: 5849 - discount, currency: 'CNY' });
    expect(processed.payload.appliedCoupon?.claimId ?? null).toBe(claimId);
    if (claimId) {
      expect(events[1]).toMatchObject({ type: 'CouponRedeemed', causationId: processed.eventId, payload: { claimId, orderId: 'o-1' } });
    } else {
      expect(events).toHaveLength(1);
    }
  });

  it.each([
    ['c-s2', /not valid in this store/],
    ['c-min', /below its minimum spend/],
    ['c-old', /expired/],
    ['c-used', /already used/],
    ['c-noterms', /hold no claim/],
    ['someone-elses', /hold no claim/],
  ])('refuses the named coupon %s with COUPON_NOT_APPLICABLE', async (couponId, why) => {
    const [e, ...rest] = await decideOrderCommand(place({ ...basket, couponId }), stateWith(claims), NOW);
    expect(rest).toEqual([]);
    expect(e.type).toBe('OrderRejected');
    expect((e.payload as OrderRejected).code).toBe('COUPON_NOT_APPLICABLE');
    expect((e.payload as OrderRejected).message).toMatch(why);
  });

  it('applies a minSpend that equals the eligible amount', async () => {
    const [e] = await decideOrderCommand(place(basket), stateWith([claim('m', 'c-eq', amountOff(100, { minSpend: 5849 }))]), NOW);
    expect((e.payload as OrderProcessed).discount).toBe(100);
  });

  it('refuses amounts beyond exact integer arithmetic instead of failing', async () => {
    const huge = { ...stateWith([]), products: async () => new Map([['tea', { ...products[0], price: 100_000_000_000 }]]) };
    const items = Array.from({ length: 200 }, () => ({ sku: 'tea', quantity: 999 }));
    const [e] = await decideOrderCommand(place({ items }), huge, NOW);
    expect(e).toMatchObject({ type: 'OrderRejected', payload: { code: 'ORDER_TOO_LARGE' } });
  });
});

describe('decideOrderCommand: CancelOrder', () => {
  const order = (over: Partial<StoredOrder> = {}): StoredOrder => ({
    orderId: 'o-1', userId: 'u-1', storeId: 's-1', status: 'PROCESSED', items: [], subtotal: 1000, discount: 100, total: 900, currency: 'CNY',
    appliedCoupon: { claimId: 'a', couponId: 'c-a', title: 't' }, processedAt: NOW.toISOString(), ...over,
  });
  const cancel = (userId = 'u-1') =>
    envelope<CancelOrder>('CancelOrder', { orderId: 'o-1', userId, requestedAt: NOW.toISOString() }, { aggregateId: userId, correlationId: 'c', eventId: 'cmd-2' });

  it.each([
    ['still valid: released', T + 1000, ['OrderCancelled', 'CouponReleased']],
    ['valid until now exactly: released', T, ['OrderCancelled', 'CouponReleased']],
    ['expired: stays spent', T - 1, ['OrderCancelled']],
  ])('cancels an order whose claim is %s', async (_name, validUntil, types) => {
    const state = stateWith([claim('a', 'c-a', amountOff(100), { validUntil, status: 'REDEEMED' })], [order()], { a: 'o-1' });
    const events = await decideOrderCommand(cancel(), state, NOW);
    expect(events.map((e) => e.type)).toEqual(types);
    expect(events[0].causationId).toBe('cmd-2');
    if (events[1]) expect(events[1]).toMatchObject({ causationId: events[0].eventId, payload: { claimId: 'a', couponId: 'c-a', orderId: 'o-1' } });
  });

  it.each([
    ['unknown', [], 'u-1', 'ORDER_NOT_FOUND'],
    ["another user's", [order()], 'u-2', 'ORDER_NOT_FOUND'],
    ['a cancelled', [order({ status: 'CANCELLED' })], 'u-1', 'ALREADY_CANCELLED'],
  ])('refuses to cancel %s order', async (_name, orders, userId, code) => {
    const [e, ...rest] = await decideOrderCommand(cancel(userId as string), stateWith([], orders as StoredOrder[]), NOW);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ type: 'OrderCancelRejected', payload: { code } });
  });
});
