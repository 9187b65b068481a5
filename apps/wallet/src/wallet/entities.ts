import { DiscountSpec } from '@coupons/contracts';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';

/**
 * The stock terms every claim of a coupon is bound by, one row per coupon, folded from CouponClaimed and
 * CouponStockChanged (wallet events, not catalog ones, so a replay in any topic order rebuilds it). Claim rows reference it: all claims of a coupon
 * are bound by the same totalQuantity and perUserLimit.
 */
@Entity({ name: 'coupon_quota' })
@Unique('coupon_quota_terms_key', ['couponId', 'totalQuantity', 'perUserLimit'])
export class CouponQuotaEntity {
  @PrimaryColumn('text', { name: 'coupon_id' }) couponId!: string;
  @Column('integer', { name: 'total_quantity' }) totalQuantity!: number;
  @Column('integer', { name: 'per_user_limit' }) perUserLimit!: number;
}

/**
 * A user's claim of a coupon (the user <-> coupon mapping), folded from CouponClaimed. The constraints back the
 * stock and per-user invariants whatever the code does: issue_seq is unique per coupon and within 1..total_quantity,
 * user_seq unique per (coupon, user) and within 1..per_user_limit (migration ClaimSequences).
 */
@Entity({ name: 'claim' })
@Index('claim_user_idx', ['userId'])
@Unique('claim_issue_seq_key', ['couponId', 'issueSeq'])
@Unique('claim_user_seq_key', ['couponId', 'userId', 'userSeq'])
@Check('claim_issue_seq_check', 'issue_seq BETWEEN 1 AND total_quantity')
@Check('claim_user_seq_check', 'user_seq BETWEEN 1 AND per_user_limit')
@Unique('claim_day_issue_seq_key', ['couponId', 'claimDay', 'dayIssueSeq'])
@Unique('claim_day_user_seq_key', ['couponId', 'userId', 'claimDay', 'dayUserSeq'])
export class ClaimEntity {
  @PrimaryColumn('text', { name: 'claim_id' }) claimId!: string;
  @Column('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: DiscountSpec;
  @Column('timestamptz', { name: 'claimed_at' }) claimedAt!: Date;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil!: Date | null;
  /** Its place in the coupon's stock, 1..totalQuantity (CouponClaimed.issuedCount). */
  @Column('integer', { name: 'issue_seq' }) issueSeq!: number;
  /** Its place among this user's claims of the coupon, 1..perUserLimit. */
  @Column('integer', { name: 'user_seq' }) userSeq!: number;
  @Column('integer', { name: 'total_quantity' }) totalQuantity!: number;
  @Column('integer', { name: 'per_user_limit' }) perUserLimit!: number;
  /**
   * The day it counts in for daily caps, 'YYYY-MM-DD' in the coupon's zone (text, not date: the driver would turn a
   * date into a Date at the process's local midnight), and its places on that day among the coupon's claims and the
   * user's. NULL on claims folded before daily caps.
   */
  @Column('text', { name: 'claim_day', nullable: true }) claimDay!: string | null;
  @Column('integer', { name: 'day_issue_seq', nullable: true }) dayIssueSeq!: number | null;
  @Column('integer', { name: 'day_user_seq', nullable: true }) dayUserSeq!: number | null;

  /** ON UPDATE CASCADE: a stock change (coupon_quota) reaches every claim row of the coupon, checked by the CHECKs. */
  @ManyToOne(() => CouponQuotaEntity, { nullable: false, onUpdate: 'CASCADE' })
  @JoinColumn([
    { name: 'coupon_id', referencedColumnName: 'couponId', foreignKeyConstraintName: 'claim_quota_fkey' },
    { name: 'total_quantity', referencedColumnName: 'totalQuantity' },
    { name: 'per_user_limit', referencedColumnName: 'perUserLimit' },
  ])
  quota?: CouponQuotaEntity;
}

/**
 * A claim spent by an order, folded from ordering's CouponRedeemed (deleted by CouponReleased). Kept apart from
 * `claim` so the fold does not depend on which topic a replay reads first.
 */
@Entity({ name: 'claim_redemption' })
export class ClaimRedemptionEntity {
  @PrimaryColumn('text', { name: 'claim_id' }) claimId!: string;
  @Column('text', { name: 'order_id' }) orderId!: string;
  @Column('timestamptz', { name: 'redeemed_at' }) redeemedAt!: Date;
}

/** What the wallet needs of a coupon definition to decide claims (folded from catalog events). */
@Entity({ name: 'coupon_stock' })
export class CouponStockEntity {
  @PrimaryColumn('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: DiscountSpec;
  @Column('integer', { name: 'total_quantity' }) totalQuantity!: number;
  @Column('integer', { name: 'per_user_limit' }) perUserLimit!: number;
  @Column('timestamptz', { name: 'claimable_from', nullable: true }) claimableFrom!: Date | null;
  @Column('timestamptz', { name: 'claimable_until', nullable: true }) claimableUntil!: Date | null;
  @Column('integer', { name: 'valid_days_after_claim', nullable: true }) validDaysAfterClaim!: number | null;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil!: Date | null;
  @Column('text') status!: 'ACTIVE' | 'PAUSED' | 'ENDED';
  /** Daily caps (null: none), counted in timeZone (null on coupons folded before: DEFAULT_COUPON_TIME_ZONE). */
  @Column('integer', { name: 'daily_quantity', nullable: true }) dailyQuantity!: number | null;
  @Column('integer', { name: 'per_user_daily_limit', nullable: true }) perUserDailyLimit!: number | null;
  @Column('text', { name: 'time_zone', nullable: true }) timeZone!: string | null;
}

export const WALLET_ENTITIES = [CouponQuotaEntity, ClaimEntity, ClaimRedemptionEntity, CouponStockEntity];
