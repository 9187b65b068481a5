import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';

/** bigint columns (money can exceed 2^31) as JS numbers: every amount is below 2^53 (contracts MAX_MONEY). */
const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/**
 * Store ids are unique on the platform (store QR codes carry them); each store belongs to one merchant.
 * created_at: the occurredAt of the first upsert event (never the clock, never changed by later upserts).
 */
@Entity({ name: 'store' })
@Index('store_created_idx', ['createdAt', 'storeId'])
export class StoreEntity {
  @PrimaryColumn('text', { name: 'store_id' }) storeId!: string;
  @Column('text', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') name!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** Skus and GTINs are a merchant's own: two merchants may both sell sku X or carry GTIN Y. created_at as for stores. */
@Entity({ name: 'product' })
@Index('product_gtin_key', ['merchantId', 'gtin'], { unique: true })
@Index('product_created_idx', ['createdAt', 'sku'])
export class ProductEntity {
  @PrimaryColumn('text', { name: 'merchant_id' }) merchantId!: string;
  @PrimaryColumn('text') sku!: string;
  /** GTIN-14; unique within the merchant when present. */
  @Column('text', { nullable: true }) gtin!: string | null;
  @Column('text') name!: string;
  @Column('bigint', { transformer: bigintAsNumber }) price!: number;
  @Column('text') currency!: string;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text', { nullable: true }) brand!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/**
 * A coupon definition and its status. The target is kept as given (for the views) and flattened into arrays (for the
 * scan query's SQL prefilter).
 */
@Entity({ name: 'coupon' })
@Index('coupon_status_idx', ['status'])
@Index('coupon_created_idx', ['createdAt', 'couponId'])
@Index('coupon_merchant_idx', ['merchantId'])
export class CouponEntity {
  @PrimaryColumn('text', { name: 'coupon_id' }) couponId!: string;
  @Column('text', { name: 'merchant_id' }) merchantId!: string;
  @Column('text') title!: string;
  @Column('jsonb') discount!: Record<string, unknown>;
  @Column('bigint', { name: 'min_spend', transformer: bigintAsNumber }) minSpend!: number;
  @Column('jsonb') target!: Record<string, unknown>;
  @Column('text', { name: 'target_skus', array: true }) targetSkus!: string[];
  @Column('text', { name: 'target_categories', array: true }) targetCategories!: string[];
  @Column('text', { name: 'target_brands', array: true }) targetBrands!: string[];
  @Column('text', { name: 'store_ids', array: true }) storeIds!: string[];
  @Column('integer', { name: 'total_quantity' }) totalQuantity!: number;
  @Column('integer', { name: 'per_user_limit' }) perUserLimit!: number;
  @Column('timestamptz', { name: 'claimable_from', nullable: true }) claimableFrom!: Date | null;
  @Column('timestamptz', { name: 'claimable_until', nullable: true }) claimableUntil!: Date | null;
  @Column('integer', { name: 'valid_days_after_claim', nullable: true }) validDaysAfterClaim!: number | null;
  @Column('timestamptz', { name: 'valid_until', nullable: true }) validUntil!: Date | null;
  @Column('integer') priority!: number;
  @Column('text') status!: 'ACTIVE' | 'PAUSED' | 'ENDED';
  /** Daily caps (null: none), counted in timeZone (null on coupons created before: DEFAULT_COUPON_TIME_ZONE). */
  @Column('integer', { name: 'daily_quantity', nullable: true }) dailyQuantity!: number | null;
  @Column('integer', { name: 'per_user_daily_limit', nullable: true }) perUserDailyLimit!: number | null;
  @Column('text', { name: 'time_zone', nullable: true }) timeZone!: string | null;
  /** From the CouponCreated event, never the clock: a replay rebuilds the same value. */
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/**
 * issued / redeemed per coupon, folded from wallet and ordering events. A table apart from `coupon` so the folds are
 * order-insensitive across topics: a replay may fold a CouponClaimed before the CouponCreated it refers to.
 */
@Entity({ name: 'coupon_usage' })
export class CouponUsageEntity {
  @PrimaryColumn('text', { name: 'coupon_id' }) couponId!: string;
  @Column('integer') issued!: number;
  @Column('integer') redeemed!: number;
  /** The wallet's stock terms after a change (CouponStockChanged); null: the coupon's own, unchanged. */
  @Column('integer', { name: 'total_quantity', nullable: true }) totalQuantity!: number | null;
  @Column('integer', { name: 'per_user_limit', nullable: true }) perUserLimit!: number | null;
}

/** A store's promoted products, in order. No foreign keys: aggregates are folded from different partitions. */
@Entity({ name: 'store_display' })
export class StoreDisplayEntity {
  @PrimaryColumn('text', { name: 'store_id' }) storeId!: string;
  @PrimaryColumn('integer') position!: number;
  @Column('text') sku!: string;
  @Column('text') headline!: string;
}

export const CATALOG_ENTITIES = [StoreEntity, ProductEntity, CouponEntity, CouponUsageEntity, StoreDisplayEntity];
