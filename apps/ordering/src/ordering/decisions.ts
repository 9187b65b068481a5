import {
  CancelOrder, CouponRedeemed, CouponReleased, Envelope, OrderCancelRejected, OrderCancelled, OrderProcessed, OrderRejected,
  OrderRejectionCode, OrderingCommandTypes, OrderingEventTypes, PlaceOrder, PricedOrderLine, causedBy,
} from '@coupons/contracts';
import { ClaimedCoupon, OrderLine, bestCouponForOrder, priceOrder } from '@coupons/coupon-rules';

/** A product as ordering's catalog projection knows it. */
export interface OrderProduct {
  sku: string;
  price: number;
  currency: string;
  category: string | null;
  brand: string | null;
}

/** One of the user's claims with the terms of its coupon (null when the catalog's CouponCreated is not folded yet). */
export interface UserClaim extends Omit<ClaimedCoupon, 'coupon'> {
  title: string;
  coupon: ClaimedCoupon['coupon'] | null;
  /** The coupon's merchant (null with its terms): it applies only at that merchant's stores. */
  couponMerchantId: string | null;
}

/** An order as folded from OrderProcessed/OrderCancelled. */
export interface StoredOrder {
  orderId: string;
  userId: string;
  storeId: string;
  status: 'PROCESSED' | 'CANCELLED';
  items: PricedOrderLine[];
  subtotal: number;
  discount: number;
  total: number;
  currency: string;
  appliedCoupon: { claimId: string; couponId: string; title: string } | null;
  processedAt: string;
}

/** What a decision may read: ordering's projection, inside the deciding transaction. */
export interface OrderingState {
  /** The merchant owning the store, null for an unknown store. */
  storeMerchant(storeId: string): Promise<string | null>;
  /** The merchant's known products among these skus. */
  products(merchantId: string, skus: string[]): Promise<Map<string, OrderProduct>>;
  /** The order, locked for the rest of the transaction when `forUpdate` (two cancels can't both release). */
  order(orderId: string, forUpdate: boolean): Promise<StoredOrder | null>;
  /** Every claim of the user, REDEEMED when an active redemption holds it. */
  claimsOf(userId: string): Promise<UserClaim[]>;
  /** The order currently holding a claim (active redemption), if any. */
  redeemedBy(claimId: string): Promise<string | null>;
  claim(claimId: string): Promise<UserClaim | null>;
}

export const isOrderingCommand = (type: string): boolean => (Object.values(OrderingCommandTypes) as string[]).includes(type);

function rejected(cmd: Envelope<PlaceOrder>, now: Date, code: OrderRejectionCode, message: string, details?: unknown[]): Envelope<OrderRejected> {
  const p = cmd.payload;
  const payload: OrderRejected = { orderId: p.orderId, userId: p.userId, code, message, ...(details ? { details } : {}) };
  return causedBy(cmd, OrderingEventTypes.orderRejected, payload, p.userId, now);
}

function cancelRejected(cmd: Envelope<CancelOrder>, now: Date, code: OrderCancelRejected['code'], message: string): Envelope<OrderCancelRejected> {
  const p = cmd.payload;
  return causedBy(cmd, OrderingEventTypes.cancelRejected, { orderId: p.orderId, userId: p.userId, code, message }, p.userId, now);
}

const REASONS: Record<string, string> = {
  REDEEMED: 'it is already used by another order',
  EXPIRED: 'it has expired',
  STORE_NOT_ELIGIBLE: 'it is not valid in this store',
  NO_ELIGIBLE_ITEMS: 'no item of the order is eligible',
  MIN_SPEND_NOT_MET: 'the eligible amount is below its minimum spend',
};

/**
 * Decides an order command against ordering's projection. PlaceOrder: prices the order from the catalog projection,
 * picks the coupon by DESIGN §5 (best, the named one, or none) and yields OrderProcessed (+ CouponRedeemed, caused by
 * the OrderProcessed so that the command's one answer is the OrderProcessed), or OrderRejected. CancelOrder: yields
 * OrderCancelled (+ CouponReleased when the claim is still valid), or OrderCancelRejected. Reads through `state` only;
 * the caller applies the events with the projection's folds and appends them to the outbox in one transaction.
 */
export async function decideOrderCommand(cmd: Envelope, state: OrderingState, now: Date): Promise<Envelope[]> {
  switch (cmd.type) {
    case OrderingCommandTypes.placeOrder:
      return decidePlaceOrder(cmd as Envelope<PlaceOrder>, state, now);
    case OrderingCommandTypes.cancelOrder:
      return decideCancelOrder(cmd as Envelope<CancelOrder>, state, now);
    default:
      throw new Error(`not an ordering command: ${cmd.type}`);
  }
}

async function decidePlaceOrder(cmd: Envelope<PlaceOrder>, state: OrderingState, now: Date): Promise<Envelope[]> {
  const p = cmd.payload;
  const existing = await state.order(p.orderId, false);
  if (existing) {
    // The order id is derived from the command id at the gateway, so this is a replayed command under a new id:
    // answer with the order as it was decided, spend nothing again.
    if (existing.userId !== p.userId) throw new Error(`order id ${p.orderId} belongs to another user`);
    return [causedBy(cmd, OrderingEventTypes.orderProcessed, processedFromStored(existing), p.userId, now)];
  }
  const merchantId = await state.storeMerchant(p.storeId);
  if (merchantId === null) {
    return [rejected(cmd, now, 'UNKNOWN_STORE', `unknown store ${p.storeId}`, [{ field: 'storeId', message: `unknown store ${p.storeId}` }])];
  }
  // Tenancy: an order at a store is priced with that store's merchant's products only.
  const products = await state.products(merchantId, p.items.map((i) => i.sku));
  const unknown = p.items.flatMap((item, i) => (products.has(item.sku) ? [] : [{ field: `items[${i}].sku`, message: `unknown sku ${item.sku}` }]));
  if (unknown.length) {
    const skus = [...new Set(p.items.filter((i) => !products.has(i.sku)).map((i) => i.sku))];
    return [rejected(cmd, now, 'UNKNOWN_SKU', `unknown sku: ${skus.join(', ')}`, unknown)];
  }
  const currency = products.get(p.items[0].sku)!.currency;
  const otherCurrency = p.items.flatMap((item, i) =>
    products.get(item.sku)!.currency === currency ? [] : [{ field: `items[${i}].sku`, message: `priced in ${products.get(item.sku)!.currency}, not ${currency}` }],
  );
  if (otherCurrency.length) return [rejected(cmd, now, 'CURRENCY_MISMATCH', 'the items are priced in different currencies', otherCurrency)];

  const lines: OrderLine[] = p.items.map((item) => {
    const product = products.get(item.sku)!;
    return { sku: item.sku, quantity: item.quantity, unitPrice: product.price, category: product.category, brand: product.brand };
  });
  let priced: ReturnType<typeof priceOrder>;
  try {
    priced = priceOrder(lines);
  } catch (err) {
    if (err instanceof RangeError) return [rejected(cmd, now, 'ORDER_TOO_LARGE', 'the order total is too large')];
    throw err;
  }

  // Claims whose coupon terms are not folded yet can't be evaluated; they are left out (the handler waits for them).
  const held = (await state.claimsOf(p.userId)).filter((c): c is UserClaim & { coupon: ClaimedCoupon['coupon'] } => c.coupon !== null);
  // Only the store's merchant's coupons apply there (a coupon without storeIds is valid in every store of its merchant).
  const claims = held.filter((c) => c.couponMerchantId === merchantId);
  let chosen: { claimId: string; couponId: string; discount: number } | null = null;
  if (p.couponId !== null) {
    if (p.couponId !== undefined && !claims.some((c) => c.couponId === p.couponId) && held.some((c) => c.couponId === p.couponId)) {
      return [rejected(cmd, now, 'COUPON_NOT_APPLICABLE', `coupon ${p.couponId} does not apply to this order: ${REASONS.STORE_NOT_ELIGIBLE}`, [{ field: 'couponId', message: REASONS.STORE_NOT_ELIGIBLE }])];
    }
    const candidates = p.couponId === undefined ? claims : claims.filter((c) => c.couponId === p.couponId);
    const best = bestCouponForOrder({ claims: candidates, lines, storeId: p.storeId, now: now.getTime() });
    chosen = best.chosen;
    if (p.couponId !== undefined && !chosen) {
      // Another user's coupon is simply one this user does not hold: same answer, no existence leak.
      const why = candidates.length === 0
        ? 'you hold no claim of this coupon'
        : best.evaluations.map((e) => (e.result.applies ? 'it gives no discount on this order' : REASONS[e.result.reason])).join('; ');
      return [rejected(cmd, now, 'COUPON_NOT_APPLICABLE', `coupon ${p.couponId} does not apply to this order: ${why}`, [{ field: 'couponId', message: why }])];
    }
  }
  const discount = chosen?.discount ?? 0;
  const claim = chosen ? claims.find((c) => c.claimId === chosen!.claimId)! : null;
  const processed: OrderProcessed = {
    orderId: p.orderId,
    userId: p.userId,
    storeId: p.storeId,
    items: priced.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
    subtotal: priced.subtotal,
    discount,
    total: Math.max(0, priced.subtotal - discount),
    currency,
    appliedCoupon: claim ? { claimId: claim.claimId, couponId: claim.couponId, title: claim.title } : null,
    processedAt: now.toISOString(),
  };
  const processedEvent = causedBy(cmd, OrderingEventTypes.orderProcessed, processed, p.userId, now);
  if (!claim) return [processedEvent];
  const redeemed: CouponRedeemed = { claimId: claim.claimId, couponId: claim.couponId, userId: p.userId, orderId: p.orderId, redeemedAt: now.toISOString() };
  return [processedEvent, causedBy(processedEvent, OrderingEventTypes.couponRedeemed, redeemed, p.userId, now)];
}

async function decideCancelOrder(cmd: Envelope<CancelOrder>, state: OrderingState, now: Date): Promise<Envelope[]> {
  const p = cmd.payload;
  const order = await state.order(p.orderId, true);
  // Another user's order is "not found" (Ownership, no existence leak).
  if (!order || order.userId !== p.userId) return [cancelRejected(cmd, now, 'ORDER_NOT_FOUND', `no order ${p.orderId}`)];
  if (order.status === 'CANCELLED') return [cancelRejected(cmd, now, 'ALREADY_CANCELLED', `order ${p.orderId} is already cancelled`)];
  const cancelled: OrderCancelled = { orderId: p.orderId, userId: p.userId, cancelledAt: now.toISOString() };
  const cancelledEvent = causedBy(cmd, OrderingEventTypes.orderCancelled, cancelled, p.userId, now);
  const applied = order.appliedCoupon;
  if (!applied || (await state.redeemedBy(applied.claimId)) !== p.orderId) return [cancelledEvent];
  const claim = await state.claim(applied.claimId);
  // An expired claim stays spent: giving it back would show a coupon that can no longer be used.
  if (!claim || (claim.validUntil !== null && now.getTime() > claim.validUntil)) return [cancelledEvent];
  const released: CouponReleased = { claimId: applied.claimId, couponId: applied.couponId, userId: p.userId, orderId: p.orderId, releasedAt: now.toISOString() };
  return [cancelledEvent, causedBy(cancelledEvent, OrderingEventTypes.couponReleased, released, p.userId, now)];
}

function processedFromStored(o: StoredOrder): OrderProcessed {
  return {
    orderId: o.orderId, userId: o.userId, storeId: o.storeId, items: o.items, subtotal: o.subtotal, discount: o.discount, total: o.total,
    currency: o.currency, appliedCoupon: o.appliedCoupon, processedAt: o.processedAt,
  };
}
