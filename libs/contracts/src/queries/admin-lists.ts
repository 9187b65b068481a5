import { IsISO8601, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { COUPON_STATUSES, CouponStatus, ID_PATTERN } from '../values';
import { CouponAdminView } from './queries';

/** The most rows one page of a merchant's admin list holds. */
export const MAX_ADMIN_PAGE = 100;
/** The longest `q`, `category` or `brand` filter (category and brand are at most 64 characters themselves). */
export const MAX_LIST_FILTER_LENGTH = 64;

/**
 * What every merchant list query carries: whose rows (null is the platform admin: every merchant's), the page size,
 * and the position after which the page starts (both or neither: the last row's createdAt and id of the previous
 * page). Newest first: createdAt desc, then id desc.
 */
export abstract class AdminListQuery {
  @ValidateIf((q: AdminListQuery) => q.merchantId !== null) @IsString() @Matches(ID_PATTERN) merchantId!: string | null;
  @IsInt() @Min(1) @Max(MAX_ADMIN_PAGE) limit!: number;
  @IsOptional() @IsISO8601({ strict: true }) afterCreatedAt?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN) afterId?: string;
}

export class ListStoresQuery extends AdminListQuery {
  /** Case-insensitive substring of name or store id. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH) q?: string;
}

export class ListProductsQuery extends AdminListQuery {
  /** Case-insensitive substring of name, sku or gtin. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH) q?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH) category?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH) brand?: string;
}

export class ListCouponsQuery extends AdminListQuery {
  @IsOptional() @IsIn(COUPON_STATUSES) status?: CouponStatus;
  /** Coupons valid at this store: those naming it and those without storeIds (every store). */
  @IsOptional() @IsString() @Matches(ID_PATTERN) storeId?: string;
  /** Case-insensitive substring of title or couponId. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH) q?: string;
}

export interface StoreView {
  storeId: string;
  /** The owner (lists of the platform admin mix merchants). */
  merchantId: string;
  name: string;
  createdAt: string;
}

export interface ProductView {
  /** The owner; a sku is unique within it. */
  merchantId: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  gtin: string | null;
  category: string | null;
  brand: string | null;
  createdAt: string;
}

/** A coupon in a list: the admin view plus what is left to claim (totalQuantity - issued, never below 0). */
export interface CouponListItemView extends CouponAdminView {
  remaining: number;
}

export interface AdminListPage<T> {
  items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}
