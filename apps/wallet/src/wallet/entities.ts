import { DiscountSpec } from '@coupons/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A user's claim of a coupon (the user <-> coupon mapping), folded from CouponClaimed. */
@Entity({ name: 'claim' })
@Index('claim_user_idx', ['userId'])
@Index('claim_coupon_user_idx', ['couponId', 'userId'])
export class ClaimEntity {
  @PrimaryColumn('text', { name: 'claim_id' }) claimId!: string;
  @Column('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: DiscountSpec;
  @Column('timestamptz', { name: 'claimed_at' }) claimedAt!: Date;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil!: Date | null;
  /** How many of the coupon had been issued including this claim (the stock decision, in order). */
  @Column('integer', { name: 'issued_count' }) issuedCount!: number;
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
  @Column('text') status!: 'ACTIVE' | 'PAUSED';
}

export const WALLET_ENTITIES = [ClaimEntity, ClaimRedemptionEntity, CouponStockEntity];
