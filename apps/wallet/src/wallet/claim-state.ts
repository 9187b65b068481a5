import { CouponClaimed, CouponStockChanged, CouponStockEventTypes, Envelope, WalletEventTypes } from '@coupons/contracts';
import { RunState, tableName } from '@coupons/messaging';
import { EntityManager } from 'typeorm';
import { claimDayOf } from './claim-day';
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

/** What a run's claim commands need read: the coupon, the user and the command's time (the day of its daily caps). */
export interface ClaimToLock {
  couponId: string;
  userId: string;
  /** The command's occurredAt: its decision time (CommandPipeline decisionTime), so the day read is the day decided. */
  at: string;
}

/**
 * A stock change (ChangeCouponStock) takes part as a claim without a user: its coupon is locked like a claim's, so the
 * change is decided in order with the claims, and only the coupon's issued count is read for it.
 */
export type RunCommand = ClaimToLock | { couponId: string; userId: null; at: string };

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
  daily_quantity: number | null;
  per_user_daily_limit: number | null;
  time_zone: string | null;
}

interface CountRow {
  coupon_id: string;
  user_id: string | null;
  claim_day: string | null;
  issued: number;
  by_user: number;
  day_issued: number;
  day_by_user: number;
}

/** One count probe: a claim's coupon, user and day, or a stock change's coupon alone (user and day null). */
interface CountProbe {
  couponId: string;
  userId: string | null;
  day: string | null;
}

const userKey = (couponId: string, userId: string) => `${couponId}\u0000${userId}`;
const dayKey = (couponId: string, day: string) => `${couponId}\u0000${day}`;
const userDayKey = (couponId: string, userId: string, day: string) => `${couponId}\u0000${userId}\u0000${day}`;
// A stock change's own probe key: ids are printable, so no claim's key has it.
const probeKey = (p: CountProbe) => (p.userId === null ? `${p.couponId}\u0001` : userDayKey(p.couponId, p.userId, p.day ?? ''));

/**
 * Locks the coupons of a run of claim commands and stock changes, or of one (one SELECT ... FOR UPDATE, in coupon id
 * order so that two deciders can't deadlock) and reads their claim counts (one statement), inside the deciding
 * transaction. A second decision for a coupon (another instance during a rebalance) waits on the lock, then reads the
 * claims this one committed. The decisions of the run then read and update this snapshot: the locks keep every other
 * decider of these coupons out until the transaction ends, so the snapshot stays what the rows would say.
 */
export async function lockClaimRun(em: EntityManager, commands: readonly RunCommand[]): Promise<ClaimRunState> {
  const couponIds = [...new Set(commands.map((c) => c.couponId))].sort();
  // Plain SQL: the run's one read of the definitions, on the hot path, without the ORM's per-query overhead. The
  // stock terms in force are coupon_quota's once a claim or a stock change wrote it (a PATCH may have changed them),
  // else the catalog's definition (coupon_stock).
  const stock: StockRow[] = await em.query(
    `SELECT s.coupon_id, s.title, s.discount, COALESCE(q.total_quantity, s.total_quantity) AS total_quantity,
            COALESCE(q.per_user_limit, s.per_user_limit) AS per_user_limit, s.claimable_from, s.claimable_until, s.valid_days_after_claim,
            s.valid_until, s.status, s.daily_quantity, s.per_user_daily_limit, s.time_zone
       FROM ${tableName(em, CouponStockEntity)} s LEFT JOIN ${tableName(em, CouponQuotaEntity)} q ON q.coupon_id = s.coupon_id
      WHERE s.coupon_id = ANY($1::text[]) ORDER BY s.coupon_id FOR UPDATE OF s`,
    [couponIds],
  );
  const coupons = new Map(stock.map((r): [string, CouponStockEntity] => [r.coupon_id, {
    couponId: r.coupon_id, title: r.title, discount: r.discount, totalQuantity: r.total_quantity, perUserLimit: r.per_user_limit,
    claimableFrom: r.claimable_from, claimableUntil: r.claimable_until, validDaysAfterClaim: r.valid_days_after_claim, validUntil: r.valid_until,
    status: r.status, dailyQuantity: r.daily_quantity, perUserDailyLimit: r.per_user_daily_limit, timeZone: r.time_zone,
  }]));
  const issued = new Map<string, number>();
  const byUser = new Map<string, number>();
  const dayIssued = new Map<string, number>();
  const dayByUser = new Map<string, number>();
  const up = (m: Map<string, number>, k: string, v: number) => m.set(k, Math.max(m.get(k) ?? 0, v));
  const read = async (wanted: readonly CountProbe[]) => {
    const probes = [...new Map(wanted.map((p) => [probeKey(p), p])).values()];
    if (!probes.length) return;
    const claim = tableName(em, ClaimEntity);
    // Correlated MAX()es: each one is an index probe (claim_issue_seq_key, claim_user_seq_key, claim_day_issue_seq_key,
    // claim_day_user_seq_key), whatever the history; a null user or day matches nothing (0).
    const rows: CountRow[] = await em.query(
      `SELECT u.coupon_id, u.user_id, u.claim_day,
              COALESCE((SELECT MAX(c.issue_seq) FROM ${claim} c WHERE c.coupon_id = u.coupon_id), 0)::int AS issued,
              COALESCE((SELECT MAX(c.user_seq) FROM ${claim} c WHERE c.coupon_id = u.coupon_id AND c.user_id = u.user_id), 0)::int AS by_user,
              COALESCE((SELECT MAX(c.day_issue_seq) FROM ${claim} c WHERE c.coupon_id = u.coupon_id AND c.claim_day = u.claim_day), 0)::int AS day_issued,
              COALESCE((SELECT MAX(c.day_user_seq) FROM ${claim} c
                         WHERE c.coupon_id = u.coupon_id AND c.user_id = u.user_id AND c.claim_day = u.claim_day), 0)::int AS day_by_user
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(coupon_id, user_id, claim_day)`,
      [probes.map((p) => p.couponId), probes.map((p) => p.userId), probes.map((p) => p.day)],
    );
    // At least what the run decided already (not folded yet, so not in the rows).
    for (const r of rows) {
      up(issued, r.coupon_id, r.issued);
      if (r.user_id === null) continue;
      up(byUser, userKey(r.coupon_id, r.user_id), r.by_user);
      if (r.claim_day === null) continue;
      up(dayIssued, dayKey(r.coupon_id, r.claim_day), r.day_issued);
      up(dayByUser, userDayKey(r.coupon_id, r.user_id, r.claim_day), r.day_by_user);
    }
  };
  await read(commands.flatMap((c): CountProbe[] => {
    const coupon = coupons.get(c.couponId);
    if (!coupon) return [];
    if (c.userId === null) return [{ couponId: c.couponId, userId: null, day: null }];
    // A command without a readable time is decided at the clock's (decisionTime): its day is read when decided.
    return Number.isFinite(Date.parse(c.at)) ? [{ couponId: c.couponId, userId: c.userId, day: claimDayOf(coupon, c.at) }] : [];
  }));
  return {
    has: (couponId) => coupons.has(couponId),
    lockCoupon: async (couponId) => coupons.get(couponId) ?? null,
    claimCounts: async (couponId, userId, day) => {
      // A day the run did not read ahead (a decision at another time than its command's): read now. The coupon is
      // locked, and the run decided nothing for this key yet (its decisions set the key), so the rows are exact.
      if (!dayByUser.has(userDayKey(couponId, userId, day))) await read([{ couponId, userId, day }]);
      return {
        issued: issued.get(couponId) ?? 0,
        byUser: byUser.get(userKey(couponId, userId)) ?? 0,
        dayIssued: dayIssued.get(dayKey(couponId, day)) ?? 0,
        dayByUser: dayByUser.get(userDayKey(couponId, userId, day)) ?? 0,
      };
    },
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
        up(issued, p.couponId, p.issuedCount!);
        up(byUser, userKey(p.couponId, p.userId), p.userClaimSeq!);
        if (p.claimDay !== undefined) {
          up(dayIssued, dayKey(p.couponId, p.claimDay), p.dayIssueSeq!);
          up(dayByUser, userDayKey(p.couponId, p.userId, p.claimDay), p.dayUserSeq!);
        }
      }
    },
  };
}
