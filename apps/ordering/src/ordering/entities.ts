import { CouponTargetView, DiscountSpec } from '@coupons/contracts';
import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';

/** bigint money columns as JS numbers: every amount is below 2^53 (contracts MAX_MONEY). */
const bigintAsNumber: ValueTransformer = { to: (v: number | null | undefined) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** Prices come from the catalog, never from the terminal (folded from ProductUpserted). */
@Entity({ name: 'product' })
export class ProductEntity {
  /** Skus are unique within a merchant. */
  @PrimaryColumn('text', { name: 'merchant_id' }) merchantId!: string;
  @PrimaryColumn('text') sku!: string;
  @Column('text') name!: string;
  @Column('bigint', { transformer: bigintAsNumber }) price!: number;
  @Column('text') currency!: string;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text', { nullable: true }) brand!: string | null;
}

@Entity({ name: 'store' })
export class StoreEntity {
  @PrimaryColumn('text', { name: 'store_id' }) storeId!: string;
  /** An order at the store uses this merchant's products and coupons. */
  @Column('text', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') name!: string;
}

/** The terms of a coupon an order may apply (CouponClaimed does not carry target, minSpend or stores). */
@Entity({ name: 'coupon_terms' })
export class CouponTermsEntity {
  @PrimaryColumn('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: DiscountSpec;
  @Column('bigint', { name: 'min_spend', transformer: bigintAsNumber }) minSpend!: number;
  @Column('jsonb') target!: CouponTargetView;
  @Column('text', { name: 'store_ids', array: true }) storeIds!: string[];
}

/** Ordering's own copy of the user <-> coupon mapping (folded from wallet CouponClaimed). */
@Entity({ name: 'user_claim' })
@Index('user_claim_user_idx', ['userId'])
export class UserClaimEntity {
  @PrimaryColumn('text', { name: 'claim_id' }) claimId!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: DiscountSpec;
  @Column('timestamptz', { name: 'claimed_at' }) claimedAt!: Date;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil!: Date | null;
}

/**
 * A claim spent by an order. The primary key is the claim: the database itself refuses a second order spending the
 * same claim (Single use), whatever the number of instances.
 */
@Entity({ name: 'redemption' })
export class RedemptionEntity {
  @PrimaryColumn('text', { name: 'claim_id' }) claimId!: string;
  @Column('text', { name: 'order_id' }) orderId!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('timestamptz', { name: 'redeemed_at' }) redeemedAt!: Date;
}

@Entity({ name: 'customer_order' })
@Index('customer_order_user_idx', ['userId'])
export class CustomerOrderEntity {
  @PrimaryColumn('text', { name: 'order_id' }) orderId!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'store_id' }) storeId!: string;
  @Column('text') status!: 'PROCESSED' | 'CANCELLED';
  @Column('bigint', { transformer: bigintAsNumber }) subtotal!: number;
  @Column('bigint', { transformer: bigintAsNumber }) discount!: number;
  @Column('bigint', { transformer: bigintAsNumber }) total!: number;
  @Column('text') currency!: string;
  @Column('text', { name: 'applied_claim_id', nullable: true }) appliedClaimId!: string | null;
  @Column('text', { name: 'applied_coupon_id', nullable: true }) appliedCouponId!: string | null;
  @Column('text', { name: 'applied_title', nullable: true }) appliedTitle!: string | null;
  @Column('timestamptz', { name: 'processed_at' }) processedAt!: Date;
  @Column('timestamptz', { name: 'cancelled_at', nullable: true }) cancelledAt!: Date | null;
}

@Entity({ name: 'order_line' })
export class OrderLineEntity {
  @PrimaryColumn('text', { name: 'order_id' }) orderId!: string;
  @PrimaryColumn('integer', { name: 'line_no' }) lineNo!: number;
  @Column('text') sku!: string;
  @Column('integer') quantity!: number;
  @Column('bigint', { name: 'unit_price', transformer: bigintAsNumber }) unitPrice!: number;
  @Column('bigint', { name: 'line_total', transformer: bigintAsNumber }) lineTotal!: number;
}

export const ORDERING_ENTITIES = [
  ProductEntity, StoreEntity, CouponTermsEntity, UserClaimEntity, RedemptionEntity, CustomerOrderEntity, OrderLineEntity,
];
