import {
  CatalogEventTypes, CouponCreated, CouponEditEventTypes, CouponStatusChanged, CouponStockChanged, CouponStockEventTypes, CouponUpdated, Envelope,
  OrderingEventTypes, ProductUpserted, StoreDisplaysSet, StoreUpserted, Topics, WalletEventTypes,
} from '@coupons/contracts';
import { Fold, Projector, RunFoldSpec, foldEach, foldRuns, lastOfEach, tableName, withCommandOutcomes } from '@coupons/messaging';
import { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreDisplayEntity, StoreEntity } from './entities';
import { couponEntityFromCreated, productEntityFromEvent, storeEntityFromEvent } from './mappers';

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
    await upsertKeepingCreatedAt(em, StoreEntity, storeEntityFromEvent(e.payload, new Date(e.occurredAt)));
  }),
  [CatalogEventTypes.productUpserted]: withOutcome<ProductUpserted>(async (em, e) => {
    await upsertKeepingCreatedAt(em, ProductEntity, productEntityFromEvent(e.payload, new Date(e.occurredAt)));
  }),
  [CatalogEventTypes.couponCreated]: withOutcome<CouponCreated>(async (em, e) => {
    // First creation wins: a repeated CreateCoupon re-emits the original definition and must not reset the status.
    await em.createQueryBuilder().insert().into(CouponEntity).values(couponEntityFromCreated(e.payload) as QueryDeepPartialEntity<CouponEntity>).orIgnore().execute();
  }),
  [CatalogEventTypes.couponStatusChanged]: withOutcome<CouponStatusChanged>(async (em, e) => {
    await em.update(CouponEntity, { couponId: e.payload.couponId }, { status: e.payload.status });
  }),
  [CouponEditEventTypes.couponUpdated]: withOutcome<CouponUpdated>(async (em, e) => {
    const p = e.payload;
    await em.update(CouponEntity, { couponId: p.couponId }, {
      title: p.title, priority: p.priority, claimableUntil: p.claimableUntil ? new Date(p.claimableUntil) : null, status: p.status,
    });
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
  // The wallet's stock terms: beside the counters (not on `coupon`), so a replay may fold them before the CouponCreated.
  [CouponStockEventTypes.couponStockChanged]: foldRuns<CouponStockChanged>(async (em, events) => {
    const last = lastOfEach(events.map((e) => e.payload), (p) => p.couponId);
    await em.query(
      `INSERT INTO ${tableName(em, CouponUsageEntity)} AS u (coupon_id, issued, redeemed, total_quantity, per_user_limit)
       SELECT coupon_id, 0, 0, total_quantity, per_user_limit FROM unnest($1::text[], $2::int[], $3::int[]) AS r(coupon_id, total_quantity, per_user_limit)
       ON CONFLICT (coupon_id) DO UPDATE SET total_quantity = EXCLUDED.total_quantity, per_user_limit = EXCLUDED.per_user_limit`,
      [last.map((p) => p.couponId), last.map((p) => p.totalQuantity), last.map((p) => p.perUserLimit)],
    );
  }),
}, 'ids');

/** Adds to coupons' counters (each event once), creating a coupon's row if its own events have not been folded yet. */
async function usageDelta(em: EntityManager, events: ReadonlyArray<Envelope<{ couponId: string }>>, issued: number, redeemed: number): Promise<void> {
  await em.query(
    // Terms null: the coupon's own until a CouponStockChanged sets them (a counter never touches them).
    `INSERT INTO ${tableName(em, CouponUsageEntity)} AS u (coupon_id, issued, redeemed, total_quantity, per_user_limit)
     SELECT coupon_id, count(*) * $2::int, count(*) * $3::int, NULL::int, NULL::int FROM unnest($1::text[]) AS coupon_id GROUP BY coupon_id
     ON CONFLICT (coupon_id) DO UPDATE SET issued = u.issued + EXCLUDED.issued, redeemed = u.redeemed + EXCLUDED.redeemed`,
    [events.map((e) => e.payload.couponId), issued, redeemed],
  );
}

/**
 * Inserts a store or product, or replaces every column but its key, owner and created_at: created_at stays the first
 * upsert's occurredAt, so the merchant lists' newest-first order is that of creation, equal on every replay, and the
 * owner the first merchant's (the decision never hands a store to another one: STORE_ID_TAKEN). The replaced columns
 * come from the entity's metadata, so a column added later is replaced too.
 */
async function upsertKeepingCreatedAt<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, row: T): Promise<void> {
  const columns = em.connection.getMetadata(entity).columns;
  const key = columns.filter((c) => c.isPrimary).map((c) => c.databaseName);
  const kept = new Set(['created_at', 'merchant_id']);
  const replaced = columns.filter((c) => !c.isPrimary && !kept.has(c.databaseName)).map((c) => c.databaseName);
  await em.createQueryBuilder().insert().into(entity).values(row as QueryDeepPartialEntity<T>).orUpdate(replaced, key).execute();
}
