import {
  CatalogEventTypes, ClaimRejected, CouponClaimed, CouponCreated, CouponEditEventTypes, CouponRedeemed, CouponReleased, CouponStatusChanged,
  CouponStockChangeRejected, CouponStockChanged, CouponStockEventTypes, CouponUpdated, OrderingEventTypes, Topics, WalletEventTypes,
} from '@coupons/contracts';
import {
  Projector, eventInstant as instant, eventInstantOrNull as instantOrNull, firstOfEach, foldRuns, lastOfEach, tableName, withCommandOutcomes,
} from '@coupons/messaging';
import { ClaimEntity, ClaimRedemptionEntity, CouponQuotaEntity, CouponStockEntity } from './entities';

/** The consumer name claim commands were recorded under in processed_message before command_outcome (migration). */
export const WALLET_COMMANDS_CONSUMER = 'wallet.commands';

/**
 * The wallet's projection: its own claim outcomes (each also stored as its command's outcome, live and on replay), coupon definitions from the catalog (what claims are decided
 * against) and redemptions from ordering. Folds read only the event and the rows they touch.
 *
 * Every fold is set-based (one statement per table for a run of events of its type, see Projector): a decision folds
 * its one event through the same statements a replay runs for thousands. Each keeps the one-at-a-time meaning: first
 * one wins where the rows are inserted "or ignored", last one wins where they are overwritten, and a run fails as soon
 * as one of its events would fail alone (every event's values are converted before the winners are picked; what
 * PostgreSQL could still refuse of a row left out, an out-of-range number, the contracts' validation already bounds).
 */
export const walletProjection = new Projector('wallet.projection', { own: Topics.walletEvents, consumed: [Topics.catalogEvents, Topics.orderingEvents] }, {
  [WalletEventTypes.couponClaimed]: foldRuns<CouponClaimed>(withCommandOutcomes(async (em, events) => {
    for (const e of events) {
      const p = e.payload;
      if (p.userClaimSeq === undefined || p.totalQuantity === undefined || p.perUserLimit === undefined) {
        throw new Error(`CouponClaimed ${e.eventId} lacks userClaimSeq/totalQuantity/perUserLimit: the wallet did not decide it`);
      }
    }
    const rows = events.map(({ payload: p }) => ({
      claim_id: p.claimId, coupon_id: p.couponId, user_id: p.userId, title: p.title, discount: { ...p.discount },
      claimed_at: instant(p.claimedAt), valid_until: instantOrNull(p.validUntil), issue_seq: p.issuedCount, user_seq: p.userClaimSeq,
      total_quantity: p.totalQuantity, per_user_limit: p.perUserLimit,
      claim_day: p.claimDay ?? null, day_issue_seq: p.dayIssueSeq ?? null, day_user_seq: p.dayUserSeq ?? null,
    }));
    // The quota rows first (claims reference them); every claim of a coupon carries the same terms, the first ones
    // are kept and a claim under other terms fails on claim_quota_fkey (each claim row carries its own terms).
    const quotas = firstOfEach(rows, (r) => r.coupon_id);
    await em.query(
      `INSERT INTO ${tableName(em, CouponQuotaEntity)} (coupon_id, total_quantity, per_user_limit)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) ON CONFLICT DO NOTHING`,
      [quotas.map((r) => r.coupon_id), quotas.map((r) => r.total_quantity), quotas.map((r) => r.per_user_limit)],
    );
    // A plain insert, never ON CONFLICT DO NOTHING: a clash on a sequence means a race the decision must redo, not
    // a row to drop while its event is published. Repeats of the same event never get here (decided once; replay
    // skips an event it has seen).
    await em.query(
      `INSERT INTO ${tableName(em, ClaimEntity)}
         (claim_id, coupon_id, user_id, title, discount, claimed_at, valid_until, issue_seq, user_seq, total_quantity, per_user_limit,
          claim_day, day_issue_seq, day_user_seq)
       SELECT claim_id, coupon_id, user_id, title, discount, claimed_at, valid_until, issue_seq, user_seq, total_quantity, per_user_limit,
              claim_day, day_issue_seq, day_user_seq
       FROM jsonb_to_recordset($1::jsonb) AS r(claim_id text, coupon_id text, user_id text, title text, discount jsonb, claimed_at timestamptz,
         valid_until timestamptz, issue_seq int, user_seq int, total_quantity int, per_user_limit int, claim_day text, day_issue_seq int, day_user_seq int)`,
      [JSON.stringify(rows)],
    );
  })),
  [WalletEventTypes.claimRejected]: foldRuns<ClaimRejected>(withCommandOutcomes(async () => undefined)),
  [CouponStockEventTypes.couponStockChanged]: foldRuns<CouponStockChanged>(withCommandOutcomes(async (em, events) => {
    const last = lastOfEach(events.map((e) => e.payload), (p) => p.couponId);
    const args = [last.map((p) => p.couponId), last.map((p) => p.totalQuantity), last.map((p) => p.perUserLimit)];
    // The terms claims are decided under from now on. Live, claim_quota_fkey (ON UPDATE CASCADE) carries them into
    // the coupon's claim rows, and claim_issue_seq_check refuses a total below an issued sequence; a replay that
    // built the foreign key after loading (rebuildDeferred) gets them into the claim rows by the second statement.
    await em.query(
      `INSERT INTO ${tableName(em, CouponQuotaEntity)} AS q (coupon_id, total_quantity, per_user_limit)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
       ON CONFLICT (coupon_id) DO UPDATE SET total_quantity = EXCLUDED.total_quantity, per_user_limit = EXCLUDED.per_user_limit`,
      args,
    );
    await em.query(
      `UPDATE ${tableName(em, ClaimEntity)} AS c SET total_quantity = r.total_quantity, per_user_limit = r.per_user_limit
       FROM unnest($1::text[], $2::int[], $3::int[]) AS r(coupon_id, total_quantity, per_user_limit)
       WHERE c.coupon_id = r.coupon_id AND (c.total_quantity, c.per_user_limit) IS DISTINCT FROM (r.total_quantity, r.per_user_limit)`,
      args,
    );
  })),
  [CouponStockEventTypes.couponStockChangeRejected]: foldRuns<CouponStockChangeRejected>(withCommandOutcomes(async () => undefined)),
  [CatalogEventTypes.couponCreated]: foldRuns<CouponCreated>(async (em, events) => {
    // First creation wins: a repeated CreateCoupon re-emits the original and must not reset the status.
    const rows = firstOfEach(events.map(({ payload: p }) => ({
      coupon_id: p.couponId, title: p.title, discount: { ...p.discount }, total_quantity: p.totalQuantity, per_user_limit: p.perUserLimit,
      claimable_from: instantOrNull(p.claimableFrom), claimable_until: instantOrNull(p.claimableUntil), valid_days_after_claim: p.validDaysAfterClaim ?? null,
      valid_until: instantOrNull(p.validUntil), status: p.status,
      daily_quantity: p.dailyQuantity ?? null, per_user_daily_limit: p.perUserDailyLimit ?? null, time_zone: p.timeZone ?? null,
    })), (r) => r.coupon_id);
    await em.query(
      `INSERT INTO ${tableName(em, CouponStockEntity)}
         (coupon_id, title, discount, total_quantity, per_user_limit, claimable_from, claimable_until, valid_days_after_claim, valid_until, status,
          daily_quantity, per_user_daily_limit, time_zone)
       SELECT coupon_id, title, discount, total_quantity, per_user_limit, claimable_from, claimable_until, valid_days_after_claim, valid_until, status,
              daily_quantity, per_user_daily_limit, time_zone
       FROM jsonb_to_recordset($1::jsonb) AS r(coupon_id text, title text, discount jsonb, total_quantity int, per_user_limit int,
         claimable_from timestamptz, claimable_until timestamptz, valid_days_after_claim int, valid_until timestamptz, status text,
         daily_quantity int, per_user_daily_limit int, time_zone text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }),
  [CatalogEventTypes.couponStatusChanged]: foldRuns<CouponStatusChanged>(async (em, events) => {
    const last = lastOfEach(events.map((e) => e.payload), (p) => p.couponId);
    await em.query(
      `UPDATE ${tableName(em, CouponStockEntity)} AS s SET status = r.status
       FROM unnest($1::text[], $2::text[]) AS r(coupon_id, status) WHERE s.coupon_id = r.coupon_id`,
      [last.map((p) => p.couponId), last.map((p) => p.status)],
    );
  }),
  [CouponEditEventTypes.couponUpdated]: foldRuns<CouponUpdated>(async (em, events) => {
    // What claims read of an edit: the title they carry, the claim window's end, the status (ENDED: never claimable).
    const last = lastOfEach(events.map((e) => e.payload), (p) => p.couponId);
    await em.query(
      `UPDATE ${tableName(em, CouponStockEntity)} AS s SET title = r.title, claimable_until = r.claimable_until, status = r.status
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS r(coupon_id, title, claimable_until, status) WHERE s.coupon_id = r.coupon_id`,
      [last.map((p) => p.couponId), last.map((p) => p.title), last.map((p) => instantOrNull(p.claimableUntil)), last.map((p) => p.status)],
    );
  }),
  [OrderingEventTypes.couponRedeemed]: foldRuns<CouponRedeemed>(async (em, events) => {
    const last = lastOfEach(events.map(({ payload: p }) => ({ claimId: p.claimId, orderId: p.orderId, redeemedAt: instant(p.redeemedAt) })), (r) => r.claimId);
    await em.query(
      `INSERT INTO ${tableName(em, ClaimRedemptionEntity)} (claim_id, order_id, redeemed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (claim_id) DO UPDATE SET order_id = EXCLUDED.order_id, redeemed_at = EXCLUDED.redeemed_at`,
      [last.map((r) => r.claimId), last.map((r) => r.orderId), last.map((r) => r.redeemedAt)],
    );
  }),
  [OrderingEventTypes.couponReleased]: foldRuns<CouponReleased>(async (em, events) => {
    await em.query(
      `DELETE FROM ${tableName(em, ClaimRedemptionEntity)} AS r USING unnest($1::text[], $2::text[]) AS x(claim_id, order_id)
       WHERE r.claim_id = x.claim_id AND r.order_id = x.order_id`,
      [events.map((e) => e.payload.claimId), events.map((e) => e.payload.orderId)],
    );
  }),
});
