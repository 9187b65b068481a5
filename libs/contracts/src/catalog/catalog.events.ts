import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ValidateNestedType } from '../nested-type';
import { COUPON_STATUSES, CouponStatus, DisplayItemSpec, ID_PATTERN } from '../values';
import { CreateCoupon, UpsertProduct, UpsertStore } from './catalog.commands';

/** Event types on `catalog.events.v1`. */
export const CatalogEventTypes = {
  storeUpserted: 'StoreUpserted',
  productUpserted: 'ProductUpserted',
  couponCreated: 'CouponCreated',
  couponStatusChanged: 'CouponStatusChanged',
  storeDisplaysSet: 'StoreDisplaysSet',
  /** A command the catalog refused (e.g. unknown coupon); changes no state. */
  commandRejected: 'CatalogCommandRejected',
} as const;

/** Catalog events name the merchant that owns the entity (for a change, the owner, not the sender). asAdmin is a
 *  command's, never an event's. */
export class StoreUpserted extends UpsertStore {}

export class ProductUpserted extends UpsertProduct {}

export class CouponCreated extends CreateCoupon {
  @IsIn(COUPON_STATUSES) status!: CouponStatus;
  @IsISO8601({ strict: true }) createdAt!: string;
}

export class CouponStatusChanged {
  @IsString() @Matches(ID_PATTERN) merchantId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsIn(COUPON_STATUSES) status!: CouponStatus;
}

export class StoreDisplaysSet {
  @IsString() @Matches(ID_PATTERN) merchantId!: string;
  @IsString() @Matches(ID_PATTERN) storeId!: string;
  @IsArray() @ValidateNestedType(() => DisplayItemSpec, { each: true }) items!: DisplayItemSpec[];
}

export class CatalogCommandRejected {
  @IsString() commandType!: string;
  /** UPPER_SNAKE code the gateway maps to HTTP, e.g. COUPON_NOT_FOUND, UNKNOWN_SKU, UNKNOWN_STORE. */
  @IsString() code!: string;
  @IsString() message!: string;
  @IsOptional() @IsArray() details?: unknown[];
  @IsOptional() @IsInt() @Min(0) httpStatus?: number;
}

// --- Coupon edits: the catalog's part.

export const CouponEditEventTypes = { couponUpdated: 'CouponUpdated' } as const;

/**
 * A coupon's editable catalog fields after an UpdateCoupon: every one of them, changed or not, so a fold only
 * overwrites (last one wins, in the coupon's partition order) and needs no earlier state.
 */
export class CouponUpdated {
  /** The owner (as every catalog event names it). */
  @IsString() @Matches(ID_PATTERN) merchantId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() title!: string;
  @IsInt() priority!: number;
  @IsOptional() @IsISO8601({ strict: true }) claimableUntil!: string | null;
  @IsIn(COUPON_STATUSES) status!: CouponStatus;
}
