import {
  CatalogEventTypes, CouponCreated, CouponStatusChanged, Envelope, OrderingEventTypes, ProductUpserted, StoreDisplaysSet, StoreUpserted,
  Topics, WalletEventTypes,
} from '@coupons/contracts';
import { Fold, Projector, recordCommandOutcome, tableName } from '@coupons/messaging';
import { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreDisplayEntity, StoreEntity } from './entities';
import { couponEntityFromCreated, productEntityFromEvent } from './mappers';

/** processed_message consumer name under which catalog commands and their outcome events are recorded. */
export const CATALOG_COMMANDS_CONSUMER = 'coupon-catalog.commands';

/**
 * Own events record the outcome of the command that caused them, so the commandOutcome query answers repeats — the
 * same row whether the event was just decided or is being replayed from catalog.events.v1.
 */
function withOutcome<P>(fold: Fold<P>): Fold<P> {
  return async (em, e) => {
    await fold(em, e);
    if (e.causationId) await recordCommandOutcome(em, CATALOG_COMMANDS_CONSUMER, e.causationId, e as Envelope);
  };
}

/**
 * The catalog's projection: catalog events (own; applied when decided, and on replay), wallet CouponClaimed
 * (issued) and ordering CouponRedeemed/CouponReleased (redeemed). Every fold is a function of the event and the
 * rows it touches; none reads the clock.
 */
export const catalogProjection = new Projector('coupon-catalog.projection', [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents], {
  [CatalogEventTypes.storeUpserted]: withOutcome<StoreUpserted>(async (em, e) => {
    await em.upsert(StoreEntity, { storeId: e.payload.storeId, name: e.payload.name }, ['storeId']);
  }),
  [CatalogEventTypes.productUpserted]: withOutcome<ProductUpserted>(async (em, e) => {
    await em.upsert(ProductEntity, productEntityFromEvent(e.payload), ['sku']);
  }),
  [CatalogEventTypes.couponCreated]: withOutcome<CouponCreated>(async (em, e) => {
    // First creation wins: a repeated CreateCoupon re-emits the original definition and must not reset the status.
    await em.createQueryBuilder().insert().into(CouponEntity).values(couponEntityFromCreated(e.payload) as QueryDeepPartialEntity<CouponEntity>).orIgnore().execute();
  }),
  [CatalogEventTypes.couponStatusChanged]: withOutcome<CouponStatusChanged>(async (em, e) => {
    await em.update(CouponEntity, { couponId: e.payload.couponId }, { status: e.payload.status });
  }),
  [CatalogEventTypes.storeDisplaysSet]: withOutcome<StoreDisplaysSet>(async (em, e) => {
    await em.delete(StoreDisplayEntity, { storeId: e.payload.storeId });
    if (e.payload.items.length) {
      await em.insert(StoreDisplayEntity, e.payload.items.map((item, position) => ({ storeId: e.payload.storeId, position, sku: item.sku, headline: item.headline })));
    }
  }),
  [CatalogEventTypes.commandRejected]: withOutcome(async () => undefined),
  [WalletEventTypes.couponClaimed]: async (em, e) => usageDelta(em, e.payload.couponId, 1, 0),
  [OrderingEventTypes.couponRedeemed]: async (em, e) => usageDelta(em, e.payload.couponId, 0, 1),
  [OrderingEventTypes.couponReleased]: async (em, e) => usageDelta(em, e.payload.couponId, 0, -1),
});

/** Adds to a coupon's counters, creating its row if the coupon's own events have not been folded yet. */
async function usageDelta(em: EntityManager, couponId: string, issued: number, redeemed: number): Promise<void> {
  await em.query(
    `INSERT INTO ${tableName(em, CouponUsageEntity)} AS u (coupon_id, issued, redeemed)
     VALUES ($1, $2, $3)
     ON CONFLICT (coupon_id) DO UPDATE SET issued = u.issued + EXCLUDED.issued, redeemed = u.redeemed + EXCLUDED.redeemed`,
    [couponId, issued, redeemed],
  );
}
