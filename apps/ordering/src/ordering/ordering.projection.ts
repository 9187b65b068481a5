import {
  CatalogEventTypes, CouponClaimed, CouponCreated, CouponRedeemed, CouponReleased, Envelope, OrderCancelled, OrderingEventTypes, OrderProcessed,
  ProductUpserted, StoreUpserted, Topics, WalletEventTypes,
} from '@coupons/contracts';
import { Fold, Projector, recordCommandOutcome } from '@coupons/messaging';
import {
  CouponTermsEntity, CustomerOrderEntity, OrderLineEntity, ProductEntity, RedemptionEntity, StoreEntity, UserClaimEntity,
} from './entities';

/** processed_message consumer name for order commands and their outcome events. */
export const ORDERING_COMMANDS_CONSUMER = 'ordering.commands';

/**
 * The outcome events of order commands record themselves for commandOutcome (live and on replay alike).
 * CouponRedeemed/Released are caused by the OrderProcessed/OrderCancelled, not by the command, so they don't.
 */
function withOutcome<P>(fold: Fold<P>): Fold<P> {
  return async (em, e) => {
    await fold(em, e);
    if (e.causationId) await recordCommandOutcome(em, ORDERING_COMMANDS_CONSUMER, e.causationId, e as Envelope);
  };
}

const dateOrNull = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

/**
 * Ordering's projection: its own orders and redemptions, products/stores/coupon terms from the catalog, and the
 * user <-> coupon mapping from the wallet. Folds read only the event and the rows they touch.
 */
export const orderingProjection = new Projector('ordering.projection', [Topics.orderingEvents, Topics.catalogEvents, Topics.walletEvents], {
  [OrderingEventTypes.orderProcessed]: withOutcome<OrderProcessed>(async (em, e) => {
    const p = e.payload;
    const inserted = await em
      .createQueryBuilder()
      .insert()
      .into(CustomerOrderEntity)
      .values({
        orderId: p.orderId, userId: p.userId, storeId: p.storeId, status: 'PROCESSED', subtotal: p.subtotal, discount: p.discount, total: p.total,
        currency: p.currency, appliedClaimId: p.appliedCoupon?.claimId ?? null, appliedCouponId: p.appliedCoupon?.couponId ?? null,
        appliedTitle: p.appliedCoupon?.title ?? null, processedAt: new Date(p.processedAt), cancelledAt: null,
      })
      .orIgnore()
      .returning(['orderId'])
      .execute();
    if (inserted.raw.length === 0) return;
    await em.insert(OrderLineEntity, p.items.map((l, lineNo) => ({ orderId: p.orderId, lineNo, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })));
  }),
  [OrderingEventTypes.orderRejected]: withOutcome(async () => undefined),
  [OrderingEventTypes.orderCancelled]: withOutcome<OrderCancelled>(async (em, e) => {
    await em.update(CustomerOrderEntity, { orderId: e.payload.orderId }, { status: 'CANCELLED', cancelledAt: new Date(e.payload.cancelledAt) });
  }),
  [OrderingEventTypes.cancelRejected]: withOutcome(async () => undefined),
  // A plain insert: the claim is the primary key, so a second active redemption of a claim fails the deciding
  // transaction (Single use, even with two instances deciding for one user during a rebalance), and is decided again.
  [OrderingEventTypes.couponRedeemed]: async (em, e: Envelope<CouponRedeemed>) => {
    const p = e.payload;
    await em.insert(RedemptionEntity, { claimId: p.claimId, orderId: p.orderId, userId: p.userId, redeemedAt: new Date(p.redeemedAt) });
  },
  [OrderingEventTypes.couponReleased]: async (em, e: Envelope<CouponReleased>) => {
    await em.delete(RedemptionEntity, { claimId: e.payload.claimId, orderId: e.payload.orderId });
  },
  [CatalogEventTypes.productUpserted]: async (em, e: Envelope<ProductUpserted>) => {
    const p = e.payload;
    await em.upsert(ProductEntity, { sku: p.sku, name: p.name, price: p.price, currency: p.currency, category: p.category ?? null, brand: p.brand ?? null }, ['sku']);
  },
  [CatalogEventTypes.storeUpserted]: async (em, e: Envelope<StoreUpserted>) => {
    await em.upsert(StoreEntity, { storeId: e.payload.storeId, name: e.payload.name }, ['storeId']);
  },
  [CatalogEventTypes.couponCreated]: async (em, e: Envelope<CouponCreated>) => {
    const p = e.payload;
    const target = {
      ...(p.target?.skus ? { skus: [...p.target.skus] } : {}),
      ...(p.target?.categories ? { categories: [...p.target.categories] } : {}),
      ...(p.target?.brands ? { brands: [...p.target.brands] } : {}),
    };
    // First creation wins, as in the catalog.
    await em
      .createQueryBuilder()
      .insert()
      .into(CouponTermsEntity)
      .values({ couponId: p.couponId, title: p.title, discount: { ...p.discount }, minSpend: p.minSpend, target, storeIds: [...p.storeIds] })
      .orIgnore()
      .execute();
  },
  [WalletEventTypes.couponClaimed]: async (em, e: Envelope<CouponClaimed>) => {
    const p = e.payload;
    await em
      .createQueryBuilder()
      .insert()
      .into(UserClaimEntity)
      .values({ claimId: p.claimId, userId: p.userId, couponId: p.couponId, title: p.title, discount: { ...p.discount }, claimedAt: new Date(p.claimedAt), validUntil: dateOrNull(p.validUntil) })
      .orIgnore()
      .execute();
  },
});
