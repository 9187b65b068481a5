import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { COUPON_STATUSES, CouponStatus, ID_PATTERN } from '../values';
import { CouponAdminView } from './queries';

/** The most entries one page of GET /v1/admin/stores|products|coupons holds. */
export const MAX_ADMIN_PAGE = 100;

/** A merchant's list, newest first, after a cursor. merchantId absent: the platform's operator (every merchant's). */
class AdminListQuery {
  @IsOptional() @IsString() @Matches(ID_PATTERN) merchantId?: string;
  @IsInt() @Min(1) @Max(MAX_ADMIN_PAGE) limit!: number;
  /** A nextCursor of the same list (decodeListCursor). */
  @IsOptional() @IsString() @MaxLength(400) cursor?: string;
  /** Case-insensitive substring. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) q?: string;
}

/** Stores; q over name and store id. */
export class ListStoresQuery extends AdminListQuery {}

/** Products; q over name, sku and GTIN; category and brand exact. */
export class ListProductsQuery extends AdminListQuery {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) category?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) brand?: string;
}

/** Coupons; q over title and coupon id; storeId: valid in that store (named in storeIds, or valid in every store). */
export class ListCouponsQuery extends AdminListQuery {
  @IsOptional() @IsIn(COUPON_STATUSES) status?: CouponStatus;
  @IsOptional() @IsString() @Matches(ID_PATTERN) storeId?: string;
}

export interface StoreAdminView { storeId: string; merchantId: string; name: string; createdAt: string | null }

export interface ProductAdminView {
  sku: string;
  merchantId: string;
  name: string;
  price: number;
  currency: string;
  gtin: string | null;
  category: string | null;
  brand: string | null;
  createdAt: string | null;
}

export interface CouponListItemView extends CouponAdminView {
  /** totalQuantity - issued, never below 0. */
  remaining: number;
}

export interface AdminPage<T> {
  items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

/**
 * The opaque cursor of the admin lists: base64url of the last entry's sort key (its creation time, null for entries
 * folded before creation times were recorded, and its ids), so merchants never parse it.
 */
export function encodeListCursor(key: ReadonlyArray<string | null>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key of a cursor made by encodeListCursor with `ids` ids after the time, or null for anything else. */
export function decodeListCursor(text: string, ids: number): [string | null, ...string[]] | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== ids + 1) return null;
  const [at, ...rest] = parsed as unknown[];
  if (at !== null && (typeof at !== 'string' || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(at) || Number.isNaN(Date.parse(at)))) return null;
  if (!rest.every((id): id is string => typeof id === 'string' && ID_PATTERN.test(id))) return null;
  return [at, ...rest];
}
