import {
  ClaimCoupon, ClaimRejected, ClaimRejectionCode, CouponClaimed, DEFAULT_COUPON_TIME_ZONE, Envelope, WalletEventTypes, causedBy,
} from '@coupons/contracts';
import { claimValidUntil, claimWindowState } from '@coupons/coupon-rules';
import { claimDayOf } from './claim-day';
import { CouponStockEntity } from './entities';

/** What a claim decision reads, inside the deciding transaction. */
export interface ClaimState {
  /** The coupon's definition, locked until the transaction ends (one decision per coupon at a time); null if not folded. */
  lockCoupon(couponId: string): Promise<CouponStockEntity | null>;
  /**
   * The coupon's highest issue sequence, and this user's highest sequence for it (0 when none); the same on the local
   * day `day` (daily caps).
   */
  claimCounts(couponId: string, userId: string, day: string): Promise<ClaimCounts>;
}

export interface ClaimCounts {
  issued: number;
  byUser: number;
  dayIssued: number;
  dayByUser: number;
}

export type ClaimOutcomeEvent = Envelope<CouponClaimed> | Envelope<ClaimRejected>;

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);

/** A ClaimRejected caused by the command (the gateway finds it by causationId). */
export function claimRejected(cmd: Envelope<ClaimCoupon>, code: ClaimRejectionCode, message: string, now: Date): Envelope<ClaimRejected> {
  const p = cmd.payload;
  const e: ClaimRejected = { claimId: p.claimId, couponId: p.couponId, userId: p.userId, code, message };
  return causedBy(cmd, WalletEventTypes.claimRejected, e, p.couponId, now);
}

/**
 * Decides a ClaimCoupon against the coupon's definition and its claims so far: NOT_CLAIMABLE when paused, ended or outside
 * the claim window, LIMIT_REACHED when the user holds perUserLimit of it, OUT_OF_STOCK when totalQuantity are issued,
 * else CouponClaimed with the next issue and user sequences and the validity (coupon-rules claimValidUntil).
 * The limit is checked before the stock: a user who already holds the coupon is told so, whatever is left. Then the
 * daily caps (DAILY_LIMIT_REACHED), on the command's day in the coupon's time zone: the user's, then the coupon's.
 * Returns null when the coupon is not (yet) in the wallet's projection: the caller waits for it or refuses.
 */
export async function decideClaim(cmd: Envelope<ClaimCoupon>, state: ClaimState, now: Date): Promise<ClaimOutcomeEvent | null> {
  const p = cmd.payload;
  const coupon = await state.lockCoupon(p.couponId);
  if (!coupon) return null;
  if (coupon.status !== 'ACTIVE') return claimRejected(cmd, 'NOT_CLAIMABLE', `coupon ${p.couponId} is ${coupon.status === 'ENDED' ? 'ended' : 'paused'}`, now);
  const window = claimWindowState({ claimableFrom: ms(coupon.claimableFrom), claimableUntil: ms(coupon.claimableUntil) }, now.getTime());
  if (window === 'NOT_YET') return claimRejected(cmd, 'NOT_CLAIMABLE', `coupon ${p.couponId} can be claimed from ${coupon.claimableFrom!.toISOString()}`, now);
  if (window === 'CLOSED') return claimRejected(cmd, 'NOT_CLAIMABLE', `coupon ${p.couponId} could be claimed until ${coupon.claimableUntil!.toISOString()}`, now);

  // The day is the command's (now is its time), in the coupon's zone: a claim asked at 23:59 counts on that day.
  const day = claimDayOf(coupon, now);
  const { issued, byUser, dayIssued, dayByUser } = await state.claimCounts(p.couponId, p.userId, day);
  if (byUser >= coupon.perUserLimit) {
    return claimRejected(cmd, 'LIMIT_REACHED', `user already holds ${byUser} of coupon ${p.couponId} (limit ${coupon.perUserLimit})`, now);
  }
  if (issued >= coupon.totalQuantity) return claimRejected(cmd, 'OUT_OF_STOCK', `all ${coupon.totalQuantity} of coupon ${p.couponId} are claimed`, now);
  const zone = coupon.timeZone ?? DEFAULT_COUPON_TIME_ZONE;
  if (coupon.perUserDailyLimit != null && dayByUser >= coupon.perUserDailyLimit) {
    return claimRejected(cmd, 'DAILY_LIMIT_REACHED',
      `user already claimed ${dayByUser} of coupon ${p.couponId} on ${day} (${zone}; limit ${coupon.perUserDailyLimit} a day)`, now);
  }
  if (coupon.dailyQuantity != null && dayIssued >= coupon.dailyQuantity) {
    return claimRejected(cmd, 'DAILY_LIMIT_REACHED', `all ${coupon.dailyQuantity} of coupon ${p.couponId} for ${day} (${zone}) are claimed`, now);
  }

  const validUntil = claimValidUntil(
    { validDaysAfterClaim: coupon.validDaysAfterClaim, validUntil: ms(coupon.validUntil), claimableUntil: ms(coupon.claimableUntil) },
    now.getTime(),
  );
  const e: CouponClaimed = {
    claimId: p.claimId,
    couponId: p.couponId,
    userId: p.userId,
    title: coupon.title,
    discount: { ...coupon.discount },
    claimedAt: now.toISOString(),
    validUntil: validUntil === null ? null : new Date(validUntil).toISOString(),
    issuedCount: issued + 1,
    userClaimSeq: byUser + 1,
    totalQuantity: coupon.totalQuantity,
    perUserLimit: coupon.perUserLimit,
    claimDay: day,
    dayIssueSeq: dayIssued + 1,
    dayUserSeq: dayByUser + 1,
  };
  return causedBy(cmd, WalletEventTypes.couponClaimed, e, p.couponId, now);
}
