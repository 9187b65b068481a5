import {
  Envelope, OrderView, OrderingEventTypes, Queries, Topics, WalletCouponView, WalletEventTypes, causedBy,
} from '@coupons/contracts';
import { FakeService } from './fake-service';

/**
 * wallet's stand-in: claims are granted, except coupon `cpn_empty` (OUT_OF_STOCK) and `cpn_silent` (never
 * answered); answers getWallet and the wallet commandOutcome query.
 */
export function fakeWallet(brokers: string) {
  const claims: WalletCouponView[] = [];
  const byUser = new Map<string, WalletCouponView[]>();
  const service = new FakeService(brokers, {
    name: 'wallet',
    commandsTopic: Topics.walletCommands,
    eventsTopic: Topics.walletEvents,
    queryPatterns: [Queries.getWallet, Queries.commandOutcome.wallet],
    decide(cmd: Envelope<any>) {
      const p = cmd.payload;
      if (p.couponId === 'cpn_silent') return null;
      if (p.couponId === 'cpn_empty') {
        return causedBy(cmd, WalletEventTypes.claimRejected, { claimId: p.claimId, couponId: p.couponId, userId: p.userId, code: 'OUT_OF_STOCK', message: 'none left' }, p.couponId);
      }
      const claim: WalletCouponView = {
        claimId: p.claimId, couponId: p.couponId, title: `Coupon ${p.couponId}`, discount: { type: 'AMOUNT_OFF', amount: 100 }, status: 'AVAILABLE',
        claimedAt: new Date().toISOString(), validUntil: null,
      };
      claims.push(claim);
      byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), claim]);
      return causedBy(cmd, WalletEventTypes.couponClaimed, { ...claim, userId: p.userId, issuedCount: claims.length, status: undefined, orderId: undefined }, p.couponId);
    },
    answer(pattern, payload, outcomes) {
      if (pattern === Queries.getWallet) return { ok: true, value: { coupons: byUser.get(payload.userId) ?? [] } };
      const stored = outcomes.get(payload.commandId);
      return stored ? stored : { ok: false, code: 'COMMAND_NOT_FOUND', message: 'no stored outcome' };
    },
  });
  return Object.assign(service, { byUser });
}

/**
 * ordering's stand-in: every line costs 100; store `ghost` is UNKNOWN_STORE; a 100 discount is applied unless
 * couponId is null. Answers getOrder (owner only) and the ordering commandOutcome query.
 */
export function fakeOrdering(brokers: string) {
  const orders = new Map<string, OrderView & { userId: string }>();
  const service = new FakeService(brokers, {
    name: 'ordering',
    commandsTopic: Topics.orderingCommands,
    eventsTopic: Topics.orderingEvents,
    queryPatterns: [Queries.getOrder, Queries.commandOutcome.ordering],
    decide(cmd: Envelope<any>) {
      const p = cmd.payload;
      if (cmd.type === 'PlaceOrder') {
        if (p.storeId === 'ghost') {
          return causedBy(cmd, OrderingEventTypes.orderRejected, { orderId: p.orderId, userId: p.userId, code: 'UNKNOWN_STORE', message: 'no such store' }, p.userId);
        }
        const items = p.items.map((i: { sku: string; quantity: number }) => ({ ...i, unitPrice: 100, lineTotal: 100 * i.quantity }));
        const subtotal = items.reduce((s: number, i: { lineTotal: number }) => s + i.lineTotal, 0);
        const discount = p.couponId === null ? 0 : Math.min(100, subtotal);
        const appliedCoupon = discount ? { claimId: 'clm_x', couponId: p.couponId ?? 'cpn_best', title: 'Coupon' } : null;
        const order = { orderId: p.orderId, userId: p.userId, status: 'PROCESSED' as const, storeId: p.storeId, items, subtotal, discount, total: subtotal - discount, currency: 'CNY', appliedCoupon };
        orders.set(p.orderId, order);
        return causedBy(cmd, OrderingEventTypes.orderProcessed, { ...order, status: undefined, processedAt: new Date().toISOString() }, p.userId);
      }
      const order = orders.get(p.orderId);
      if (!order || order.userId !== p.userId) {
        return causedBy(cmd, OrderingEventTypes.cancelRejected, { orderId: p.orderId, userId: p.userId, code: 'ORDER_NOT_FOUND', message: 'no such order' }, p.userId);
      }
      if (order.status === 'CANCELLED') {
        return causedBy(cmd, OrderingEventTypes.cancelRejected, { orderId: p.orderId, userId: p.userId, code: 'ALREADY_CANCELLED', message: 'already cancelled' }, p.userId);
      }
      order.status = 'CANCELLED';
      return causedBy(cmd, OrderingEventTypes.orderCancelled, { orderId: p.orderId, userId: p.userId, cancelledAt: new Date().toISOString() }, p.userId);
    },
    answer(pattern, payload, outcomes) {
      if (pattern === Queries.getOrder) {
        const order = orders.get(payload.orderId);
        if (!order || order.userId !== payload.userId) return { ok: false, code: 'ORDER_NOT_FOUND', message: 'no such order' };
        const { userId: _userId, ...view } = order;
        return { ok: true, value: view };
      }
      const stored = outcomes.get(payload.commandId);
      return stored ? stored : { ok: false, code: 'COMMAND_NOT_FOUND', message: 'no stored outcome' };
    },
  });
  return Object.assign(service, { orders });
}
