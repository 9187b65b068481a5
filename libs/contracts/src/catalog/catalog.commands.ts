import { IsApiTimestamp } from '../timestamps';
import { IsTimeZone } from '../time-zone';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { ValidateNestedType } from '../nested-type';
import {
  AmountOffDiscount, COUPON_STATUSES, CURRENCY_PATTERN, CouponStatus, CouponTargetSpec, DiscountSpec, DisplayItemSpec, ID_PATTERN,
  MAX_MONEY, discountTypeOptions,
} from '../values';

/** Command types on `catalog.commands.v1`. */
export const CatalogCommandTypes = {
  upsertStore: 'UpsertStore',
  upsertProduct: 'UpsertProduct',
  createCoupon: 'CreateCoupon',
  setCouponStatus: 'SetCouponStatus',
  setStoreDisplays: 'SetStoreDisplays',
} as const;

/**
 * Who sends a catalog command: the merchant it acts for (a token's `mid`), and whether the sender is the platform's
 * operator (role admin), who may change any merchant's entities. The catalog refuses another merchant's entity as if
 * it did not exist.
 */
export class MerchantScoped {
  @IsString() @Matches(ID_PATTERN) merchantId!: string;
  @IsOptional() @IsBoolean() asAdmin?: boolean;
}

export class UpsertStore extends MerchantScoped {
  @IsString() @Matches(ID_PATTERN) storeId!: string;
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
}

export class UpsertProduct extends MerchantScoped {
  @IsString() @Matches(ID_PATTERN) sku!: string;
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsInt() @Min(0) @Max(MAX_MONEY) price!: number;
  @IsString() @Matches(CURRENCY_PATTERN) currency!: string;
  /** GTIN-14, already normalized and check-digit validated by the gateway. */
  @IsOptional() @IsString() @Matches(/^\d{14}$/) gtin?: string | null;
  @IsOptional() @IsString() @MaxLength(64) category?: string | null;
  @IsOptional() @IsString() @MaxLength(64) brand?: string | null;
}

export class CreateCoupon extends MerchantScoped {
  /** Assigned by the gateway, so a retried command creates one coupon. */
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @ValidateNestedType(() => AmountOffDiscount, discountTypeOptions) discount!: DiscountSpec;
  @IsInt() @Min(0) @Max(MAX_MONEY) minSpend!: number;
  @ValidateNestedType(() => CouponTargetSpec) target!: CouponTargetSpec;
  @IsArray() @ArrayMaxSize(1000) @Matches(ID_PATTERN, { each: true }) storeIds!: string[];
  @IsInt() @Min(1) @Max(100_000_000) totalQuantity!: number;
  @IsInt() @Min(1) @Max(1_000_000) perUserLimit!: number;
  @IsOptional() @IsApiTimestamp() claimableFrom?: string | null;
  @IsOptional() @IsApiTimestamp() claimableUntil?: string | null;
  @IsOptional() @IsInt() @Min(1) @Max(3650) validDaysAfterClaim?: number | null;
  @IsOptional() @IsApiTimestamp() validUntil?: string | null;
  @IsInt() @Min(-1_000_000) @Max(1_000_000) priority!: number;
  /**
   * Daily caps: at most dailyQuantity claims of the coupon, and perUserDailyLimit per user, on one day in timeZone
   * (absent: no cap). Optional on the wire: events from before they were added have none; a missing timeZone reads as
   * DEFAULT_COUPON_TIME_ZONE.
   */
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) dailyQuantity?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) perUserDailyLimit?: number | null;
  @IsOptional() @IsTimeZone() timeZone?: string;
}

export class SetCouponStatus extends MerchantScoped {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsIn(COUPON_STATUSES) status!: CouponStatus;
}

export class SetStoreDisplays extends MerchantScoped {
  @IsString() @Matches(ID_PATTERN) storeId!: string;
  @IsArray() @ArrayMaxSize(100) @ValidateNestedType(() => DisplayItemSpec, { each: true }) items!: DisplayItemSpec[];
}

// --- Coupon edits (PATCH /v1/admin/coupons/{couponId}): the catalog's part. Stock terms are the wallet's (ChangeCouponStock).

export const CouponEditCommandTypes = { updateCoupon: 'UpdateCoupon' } as const;

/**
 * The catalog-owned fields a merchant may change after creation; absent: unchanged. The catalog decides it against the
 * coupon: claimableUntil only later, ENDED final (COUPON_ENDED).
 */
export class UpdateCoupon extends MerchantScoped {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @IsOptional() @IsInt() @Min(-1_000_000) @Max(1_000_000) priority?: number;
  @IsOptional() @IsApiTimestamp() claimableUntil?: string;
  @IsOptional() @IsIn(COUPON_STATUSES) status?: CouponStatus;
}
