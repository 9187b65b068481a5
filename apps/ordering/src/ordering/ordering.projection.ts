import {
  CatalogEventTypes, CouponClaimed, CouponCreated, CouponRedeemed, CouponReleased, Envelope, OrderCancelled, OrderingEventTypes, OrderProcessed,
  ProductUpserted, StoreUpserted, Topics, WalletEventTypes,
} from '@coupons/contracts';
import {
  Projector, eventInstant as instant, eventInstantOrNull as instantOrNull, firstOfEach, foldRuns, lastOfEach, tableName, withCommandOutcomes,
} from '@coupons/messaging';
import {
  CouponTermsEntity, CustomerOrderEntity, OrderLineEntity, ProductEntity, RedemptionEntity, StoreEntity, UserClaimEntity,
} from './entities';


/**
 * Ordering's projection: its own orders and redemptions, products/stores/coupon terms from the catalog, and the
 * user <-> coupon mapping from the wallet. Folds read only the event and the rows they touch. The outcome events of
 * order commands also store themselves as their command's outcome (live and on replay alike); CouponRedeemed/Released
 * are caused by the OrderProcessed/OrderCancelled, not by the command, so they don't.
 */
export const orderingProjection = new Projector('ordering.projection', { own: Topics.orderingEvents, consumed: [Topics.catalogEvents, Topics.walletEvents] }, {
  [OrderingEventTypes.orderProcessed]: foldRuns<OrderProcessed>(withCommandOutcomes(async (em, events) => {
    const orders = events.map(({ payload: p }) => ({
      order_id: p.orderId, user_id: p.userId, store_id: p.storeId, status: 'PROCESSED', subtotal: p.subtotal, discount: p.discount, total: p.total,
      currency: p.currency, applied_claim_id: p.appliedCoupon?.claimId ?? null, applied_coupon_id: p.appliedCoupon?.couponId ?? null,
      applied_title: p.appliedCoupon?.title ?? null, processed_at: instant(p.processedAt), cancelled_at: null,
      lines: p.items.map((l, lineNo) => ({ order_id: p.orderId, line_no: lineNo, sku: l.sku, quantity: l.quantity, unit_price: l.unitPrice, line_total: l.lineTotal })),
    }));
    // First one wins; an order already there keeps its lines (a repeat of the event adds none).
    const first = firstOfEach(orders, (o) => o.order_id);
    const inserted: Array<{ order_id: string }> = await em.query(
      `INSERT INTO ${tableName(em, CustomerOrderEntity)}
         (order_id, user_id, store_id, status, subtotal, discount, total, currency, applied_claim_id, applied_coupon_id, applied_title, processed_at, cancelled_at)
       SELECT order_id, user_id, store_id, status, subtotal, discount, total, currency, applied_claim_id, applied_coupon_id, applied_title, processed_at, cancelled_at
       FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, user_id text, store_id text, status text, subtotal bigint, discount bigint, total bigint,
         currency text, applied_claim_id text, applied_coupon_id text, applied_title text, processed_at timestamptz, cancelled_at timestamptz)
       ON CONFLICT DO NOTHING RETURNING order_id`,
      [JSON.stringify(first.map(({ lines: _, ...o }) => o))],
    );
    const insertedIds = new Set(inserted.map((r) => r.order_id));
    const fresh = first.filter((o) => insertedIds.has(o.order_id));
    // An order has lines (the entity insert of none failed, so such an event stays refused).
    for (const o of fresh) if (o.lines.length === 0) throw new Error(`OrderProcessed ${o.order_id} has no items`);
    const lines = fresh.flatMap((o) => o.lines);
    if (lines.length) {
      await em.query(
        `INSERT INTO ${tableName(em, OrderLineEntity)} (order_id, line_no, sku, quantity, unit_price, line_total)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, line_no int, sku text, quantity int, unit_price bigint, line_total bigint)`,
        [JSON.stringify(lines)],
      );
    }
  })),
  [OrderingEventTypes.orderRejected]: foldRuns(withCommandOutcomes(async () => undefined)),
  [OrderingEventTypes.orderCancelled]: foldRuns<OrderCancelled>(withCommandOutcomes(async (em, events) => {
    const last = lastOfEach(events.map(({ payload: p }) => ({ orderId: p.orderId, cancelledAt: instant(p.cancelledAt) })), (c) => c.orderId);
    await em.query(
      `UPDATE ${tableName(em, CustomerOrderEntity)} AS o SET status = 'CANCELLED', cancelled_at = c.cancelled_at
       FROM unnest($1::text[], $2::timestamptz[]) AS c(order_id, cancelled_at) WHERE o.order_id = c.order_id`,
      [last.map((c) => c.orderId), last.map((c) => c.cancelledAt)],
    );
  })),
  [OrderingEventTypes.cancelRejected]: foldRuns(withCommandOutcomes(async () => undefined)),
  // A plain insert: the claim is the primary key, so a second active redemption of a claim fails the deciding
  // transaction (Single use, even with two instances deciding for one user during a rebalance), and is decided again.
  [OrderingEventTypes.couponRedeemed]: foldRuns<CouponRedeemed>(async (em, events) => {
    const rows = events.map(({ payload: p }) => ({ claimId: p.claimId, orderId: p.orderId, userId: p.userId, redeemedAt: instant(p.redeemedAt) }));
    await em.query(
      `INSERT INTO ${tableName(em, RedemptionEntity)} (claim_id, order_id, user_id, redeemed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])`,
      [rows.map((r) => r.claimId), rows.map((r) => r.orderId), rows.map((r) => r.userId), rows.map((r) => r.redeemedAt)],
    );
  }),
  [OrderingEventTypes.couponReleased]: foldRuns<CouponReleased>(async (em, events) => {
    await em.query(
      `DELETE FROM ${tableName(em, RedemptionEntity)} AS r USING unnest($1::text[], $2::text[]) AS x(claim_id, order_id)
       WHERE r.claim_id = x.claim_id AND r.order_id = x.order_id`,
      [events.map((e) => e.payload.claimId), events.map((e) => e.payload.orderId)],
    );
  }),
  [CatalogEventTypes.productUpserted]: foldRuns<ProductUpserted>(async (em, events) => {
    const last = lastOfEach(events.map((e) => e.payload), (p) => `${p.merchantId}\u0000${p.sku}`);
    await em.query(
      `INSERT INTO ${tableName(em, ProductEntity)} (merchant_id, sku, name, price, currency, category, brand)
       SELECT * FROM unnest($7::text[], $1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (merchant_id, sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price, currency = EXCLUDED.currency, category = EXCLUDED.category, brand = EXCLUDED.brand`,
      [last.map((p) => p.sku), last.map((p) => p.name), last.map((p) => p.price), last.map((p) => p.currency), last.map((p) => p.category ?? null), last.map((p) => p.brand ?? null),
        last.map((p) => p.merchantId)],
    );
  }),
  [CatalogEventTypes.storeUpserted]: foldRuns<StoreUpserted>(async (em, events) => {
    const last = lastOfEach(events.map((e) => e.payload), (p) => p.storeId);
    await em.query(
      `INSERT INTO ${tableName(em, StoreEntity)} (store_id, name, merchant_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (store_id) DO UPDATE SET name = EXCLUDED.name`,
      [last.map((p) => p.storeId), last.map((p) => p.name), last.map((p) => p.merchantId)],
    );
  }),
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
      .values({ couponId: p.couponId, merchantId: p.merchantId, title: p.title, discount: { ...p.discount }, minSpend: p.minSpend, target, storeIds: [...p.storeIds] })
      .orIgnore()
      .execute();
  },
  [WalletEventTypes.couponClaimed]: foldRuns<CouponClaimed>(async (em, events) => {
    // First one wins (a claim is claimed once; its event may be published twice).
    const rows = firstOfEach(events.map(({ payload: p }) => ({
      claim_id: p.claimId, user_id: p.userId, coupon_id: p.couponId, title: p.title, discount: { ...p.discount }, claimed_at: instant(p.claimedAt),
      valid_until: instantOrNull(p.validUntil),
    })), (r) => r.claim_id);
    await em.query(
      `INSERT INTO ${tableName(em, UserClaimEntity)} (claim_id, user_id, coupon_id, title, discount, claimed_at, valid_until)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(claim_id text, user_id text, coupon_id text, title text, discount jsonb, claimed_at timestamptz,
         valid_until timestamptz)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }),
});
