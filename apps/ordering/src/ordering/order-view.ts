import { OrderSummaryView, OrderView } from '@coupons/contracts';
import { CustomerOrderEntity, OrderLineEntity } from './entities';

export function orderView(o: CustomerOrderEntity, lines: OrderLineEntity[]): OrderView {
  return {
    orderId: o.orderId,
    status: o.status,
    storeId: o.storeId,
    items: [...lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
    subtotal: o.subtotal,
    discount: o.discount,
    total: o.total,
    currency: o.currency,
    appliedCoupon: o.appliedClaimId && o.appliedCouponId ? { claimId: o.appliedClaimId, couponId: o.appliedCouponId, title: o.appliedTitle ?? '' } : null,
  };
}

/** An order in a list: the view plus when it was placed and cancelled. */
export function orderSummaryView(o: CustomerOrderEntity, lines: OrderLineEntity[]): OrderSummaryView {
  return { ...orderView(o, lines), processedAt: o.processedAt.toISOString(), cancelledAt: o.cancelledAt ? o.cancelledAt.toISOString() : null };
}
