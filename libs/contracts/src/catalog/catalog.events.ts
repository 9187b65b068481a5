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
export class StoreUpserted extends UpsertStore {
  /** When the catalog decided it (events before the admin lists have none): the store's creation time is its first. */
  @IsOptional() @IsISO8601({ strict: true }) upsertedAt?: string;
}

export class ProductUpserted extends UpsertProduct {
  /** As StoreUpserted.upsertedAt. */
  @IsOptional() @IsISO8601({ strict: true }) upsertedAt?: string;
}

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
