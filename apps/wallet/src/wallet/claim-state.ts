import { CouponClaimed, CouponStockChanged, CouponStockEventTypes, Envelope, WalletEventTypes } from '@coupons/contracts';
import { RunState, tableName } from '@coupons/messaging';
import { EntityManager } from 'typeorm';
import { ClaimState } from './decisions';
import { ClaimEntity, CouponQuotaEntity, CouponStockEntity } from './entities';
import { StockChangeState } from './stock-change';

/** ClaimState over a snapshot taken once for a run of commands, kept current as the run's decisions are made. */
export interface ClaimRunState extends ClaimState, StockChangeState, RunState {
  /** Whether the coupon is in the projection (and locked). */
  has(couponId: string): boolean;
  /** Counts the run's decided CouponClaimed in, and takes its CouponStockChanged terms, so that its next decisions see them. */
  decided(events: readonly Envelope[]): void;
}

interface StockRow {
  coupon_id: string;
  title: string;
  discount: CouponStockEntity['discount'];
  total_quantity: number;
  per_user_limit: number;
  claimable_from: Date | null;
  claimable_until: Date | null;
  valid_days_after_claim: number | null;
  valid_until: Date | null;
  status: CouponStockEntity['status'];
}

const userKey = (couponId: string, userId: string) => `${couponId}\u0000${userId}`;

/**
 * Locks the coupons of a run of claim commands, or of one (one SELECT ... FOR UPDATE, in coupon id order so that two
 * deciders can't deadlock) and reads their claim counts (one statement), inside the deciding transaction. A second
 * decision for a coupon (another instance during a rebalance) waits on the lock, then reads the claims this one
 * committed. The decisions of the run then read and update this snapshot: the locks keep every other decider of these
 * coupons out until the transaction ends, so the snapshot stays what the rows would say.
 */
/**
 * A stock change (ChangeCouponStock) takes part as a claim without a user: its coupon is locked like a claim's, so the
 * change is decided in order with the claims, and only the coupon's issued count is read for it.
 */
export type RunCommand = { couponId: string; userId: string } | { couponId: string; userId: null };

export async function lockClaimRun(em: EntityManager, claims: readonly RunCommand[]): Promise<ClaimRunState> {
  const couponIds = [...new Set(claims.map((c) => c.couponId))].sort();
  // Plain SQL: the run's one read of the definitions, on the hot path, without the ORM's per-query overhead. The
  // stock terms in force are coupon_quota's once a claim or a stock change wrote it (a PATCH may have changed them),
  // else the catalog's definition (coupon_stock).
  const stock: StockRow[] = await em.query(
    `SELECT s.coupon_id, s.title, s.discount, COALESCE(q.total_quantity, s.total_quantity) AS total_quantity,
            COALESCE(q.per_user_limit, s.per_user_limit) AS per_user_limit, s.claimable_from, s.claimable_until, s.valid_days_after_claim,
            s.valid_until, s.status
       FROM ${tableName(em, CouponStockEntity)} s LEFT JOIN ${tableName(em, CouponQuotaEntity)} q ON q.coupon_id = s.coupon_id
      WHERE s.coupon_id = ANY($1::text[]) ORDER BY s.coupon_id FOR UPDATE OF s`,
    [couponIds],
  );
  const coupons = new Map(stock.map((r): [string, CouponStockEntity] => [r.coupon_id, {
    couponId: r.coupon_id, title: r.title, discount: r.discount, totalQuantity: r.total_quantity, perUserLimit: r.per_user_limit,
    claimableFrom: r.claimable_from, claimableUntil: r.claimable_until, validDaysAfterClaim: r.valid_days_after_claim, validUntil: r.valid_until,
    status: r.status,
  }]));
  // A stock change's own key: ids are printable, so no user's claim has it.
  const pairKey = (c: RunCommand) => (c.userId === null ? `${c.couponId}\u0001` : userKey(c.couponId, c.userId));
  const pairs = [...new Map(claims.filter((c) => coupons.has(c.couponId)).map((c) => [pairKey(c), c])).values()];
  const issued = new Map<string, number>();
  const byUser = new Map<string, number>();
  if (pairs.length) {
    const claim = tableName(em, ClaimEntity);
    // Correlated MAX()es: each one is an index probe (claim_issue_seq_key, claim_user_seq_key), whatever the history.
    const rows: Array<{ coupon_id: string; user_id: string | null; issued: number; by_user: number }> = await em.query(
      `SELECT u.coupon_id, u.user_id,
              COALESCE((SELECT MAX(c.issue_seq) FROM ${claim} c WHERE c.coupon_id = u.coupon_id), 0)::int AS issued,
              COALESCE((SELECT MAX(c.user_seq) FROM ${claim} c WHERE c.coupon_id = u.coupon_id AND c.user_id = u.user_id), 0)::int AS by_user
         FROM unnest($1::text[], $2::text[]) AS u(coupon_id, user_id)`,
      [pairs.map((p) => p.couponId), pairs.map((p) => p.userId)],
    );
    for (const r of rows) {
      issued.set(r.coupon_id, r.issued);
      if (r.user_id !== null) byUser.set(userKey(r.coupon_id, r.user_id), r.by_user);
    }
  }
  return {
    has: (couponId) => coupons.has(couponId),
    lockCoupon: async (couponId) => coupons.get(couponId) ?? null,
    claimCounts: async (couponId, userId) => ({ issued: issued.get(couponId) ?? 0, byUser: byUser.get(userKey(couponId, userId)) ?? 0 }),
    issued: async (couponId) => issued.get(couponId) ?? 0,
    decided: (events) => {
      for (const e of events) {
        if (e.type === CouponStockEventTypes.couponStockChanged) {
          const p = e.payload as CouponStockChanged;
          const c = coupons.get(p.couponId);
          if (c) coupons.set(p.couponId, { ...c, totalQuantity: p.totalQuantity, perUserLimit: p.perUserLimit });
          continue;
        }
        if (e.type !== WalletEventTypes.couponClaimed) continue;
        const p = e.payload as CouponClaimed;
        issued.set(p.couponId, Math.max(issued.get(p.couponId) ?? 0, p.issuedCount!));
        byUser.set(userKey(p.couponId, p.userId), Math.max(byUser.get(userKey(p.couponId, p.userId)) ?? 0, p.userClaimSeq!));
      }
    },
  };
}
