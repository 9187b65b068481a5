import {
  CatalogEventTypes, CouponCreated, CouponStatusChanged, Envelope, OrderingEventTypes, ProductUpserted, StoreDisplaysSet, StoreUpserted,
  Topics, WalletEventTypes,
} from '@coupons/contracts';
import { Fold, Projector, RunFoldSpec, foldEach, foldRuns, tableName, withCommandOutcomes } from '@coupons/messaging';
import { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreDisplayEntity, StoreEntity } from './entities';
import { couponEntityFromCreated, productEntityFromEvent } from './mappers';

/**
 * Own events record the outcome of the command that caused them, so the commandOutcome query answers repeats — the
 * same row whether the event was just decided or is being replayed from catalog.events.v1. The events of a run are
 * folded one after another, then their outcomes stored in one statement.
 */
function withOutcome<P>(fold: Fold<P>): RunFoldSpec<P> {
  return foldRuns(withCommandOutcomes(foldEach(fold)));
}

/**
 * The catalog's projection: catalog events (own; applied when decided, and on replay), wallet CouponClaimed
 * (issued) and ordering CouponRedeemed/CouponReleased (redeemed). Every fold is a function of the event and the
 * rows it touches; none reads the clock. The counters add each event once, so an event published twice must not be
 * folded twice: consumed events are deduped by id (processed_message), not by offset.
 */
export const catalogProjection = new Projector(
  'coupon-catalog.projection', { own: Topics.catalogEvents, consumed: [Topics.walletEvents, Topics.orderingEvents] }, {
  [CatalogEventTypes.storeUpserted]: withOutcome<StoreUpserted>(async (em, e) => {
    // The owner is the first merchant's: the decision never hands a store to another one (STORE_ID_TAKEN). The creation
    // time is the earliest upsert's, whatever order a replay folds them in (LEAST skips nulls).
    const p = e.payload;
    await em.query(
      `INSERT INTO ${tableName(em, StoreEntity)} AS s (store_id, merchant_id, name, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (store_id) DO UPDATE SET name = EXCLUDED.name, created_at = LEAST(s.created_at, EXCLUDED.created_at)`,
      [p.storeId, p.merchantId, p.name, p.upsertedAt ?? null],
    );
  }),
  [CatalogEventTypes.productUpserted]: withOutcome<ProductUpserted>(async (em, e) => {
    const p = productEntityFromEvent(e.payload);
    await em.query(
      `INSERT INTO ${tableName(em, ProductEntity)} AS p (merchant_id, sku, gtin, name, price, currency, category, brand, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (merchant_id, sku) DO UPDATE SET gtin = EXCLUDED.gtin, name = EXCLUDED.name, price = EXCLUDED.price, currency = EXCLUDED.currency,
         category = EXCLUDED.category, brand = EXCLUDED.brand, created_at = LEAST(p.created_at, EXCLUDED.created_at)`,
      [p.merchantId, p.sku, p.gtin, p.name, p.price, p.currency, p.category, p.brand, p.createdAt],
    );
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
  // Counters: a run adds up per coupon (addition does not care about order), one row per coupon in one statement.
  [WalletEventTypes.couponClaimed]: foldRuns(async (em, events) => usageDelta(em, events, 1, 0)),
  [OrderingEventTypes.couponRedeemed]: foldRuns(async (em, events) => usageDelta(em, events, 0, 1)),
  [OrderingEventTypes.couponReleased]: foldRuns(async (em, events) => usageDelta(em, events, 0, -1)),
}, 'ids');

/** Adds to coupons' counters (each event once), creating a coupon's row if its own events have not been folded yet. */
async function usageDelta(em: EntityManager, events: ReadonlyArray<Envelope<{ couponId: string }>>, issued: number, redeemed: number): Promise<void> {
  await em.query(
    `INSERT INTO ${tableName(em, CouponUsageEntity)} AS u (coupon_id, issued, redeemed)
     SELECT coupon_id, count(*) * $2::int, count(*) * $3::int FROM unnest($1::text[]) AS coupon_id GROUP BY coupon_id
     ON CONFLICT (coupon_id) DO UPDATE SET issued = u.issued + EXCLUDED.issued, redeemed = u.redeemed + EXCLUDED.redeemed`,
    [events.map((e) => e.payload.couponId), issued, redeemed],
  );
}
