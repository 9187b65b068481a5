import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CouponStatus, DiscountSpec, ID_PATTERN } from '../values';

/** Request/reply payloads and the views they return (see Queries in topics.ts). */

export class ScanQuery {
  /** GTIN-14 decoded from the scanned code. */
  @IsOptional() @IsString() @Matches(/^\d{14}$/) gtin?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN) sku?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN) storeId?: string;
}

export interface CouponTargetView { skus?: string[]; categories?: string[]; brands?: string[] }

export interface OfferView {
  couponId: string;
  /** The merchant offering it: a scan without a store may show offers of several merchants carrying the product. */
  merchantId: string;
  title: string;
  discount: DiscountSpec;
  minSpend: number;
  target: CouponTargetView;
  storeIds: string[];
  claimableUntil: string | null;
  remaining: number;
  matchScore: number;
}

export interface ScanResult {
  /** merchantId: whose product it is (a GTIN is unique within a merchant only). */
  product: { sku: string; gtin: string | null; name: string; price: number; currency: string; merchantId: string } | null;
  storeId: string | null;
  coupons: OfferView[];
  best: OfferView | null;
  displays: Array<{ sku: string; name: string; headline: string; price: number; currency: string }>;
}

export class GetCouponQuery {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  /** The asking merchant: another merchant's coupon is not found. Absent for the platform's operator (role admin). */
  @IsOptional() @IsString() @Matches(ID_PATTERN) merchantId?: string;
}

export interface CouponAdminView {
  couponId: string;
  merchantId: string;
  title: string;
  discount: DiscountSpec;
  minSpend: number;
  target: CouponTargetView;
  storeIds: string[];
  totalQuantity: number;
  perUserLimit: number;
  claimableFrom: string | null;
  claimableUntil: string | null;
  validDaysAfterClaim: number | null;
  validUntil: string | null;
  priority: number;
  /** Daily caps (null: none), counted in timeZone (IANA name). */
  dailyQuantity: number | null;
  perUserDailyLimit: number | null;
  timeZone: string;
  status: CouponStatus;
  issued: number;
  redeemed: number;
  createdAt: string;
}

export class GetWalletQuery {
  @IsString() @Matches(ID_PATTERN) userId!: string;
}

export interface WalletCouponView {
  claimId: string;
  couponId: string;
  title: string;
  discount: DiscountSpec;
  status: 'AVAILABLE' | 'REDEEMED' | 'EXPIRED';
  claimedAt: string;
  validUntil: string | null;
  orderId?: string;
  /** Added by the gateway from its catalog read model: where the coupon applies. */
  storeIds?: string[];
  target?: CouponTargetView;
  minSpend?: number;
}

export interface WalletView { coupons: WalletCouponView[] }

export class GetOrderQuery {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  /** Ownership: only the owner's order is returned. */
  @IsString() @Matches(ID_PATTERN) userId!: string;
}

export interface OrderView {
  orderId: string;
  status: 'PROCESSED' | 'CANCELLED';
  storeId: string;
  items: Array<{ sku: string; quantity: number; unitPrice: number; lineTotal: number }>;
  subtotal: number;
  discount: number;
  total: number;
  currency: string;
  appliedCoupon: { claimId: string; couponId: string; title: string } | null;
}

/** The most orders one page of GET /v1/orders holds. */
export const MAX_ORDER_PAGE = 100;

/** A user's orders, newest first (processedAt desc, orderId desc), starting after the given order. */
export class ListOrdersQuery {
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsInt() @Min(1) @Max(MAX_ORDER_PAGE) limit!: number;
  /** Both or neither: the position of the last order of the previous page. */
  @IsOptional() @IsISO8601({ strict: true }) afterProcessedAt?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN) afterOrderId?: string;
}

export interface OrderSummaryView extends OrderView {
  processedAt: string;
  cancelledAt: string | null;
}

export interface OrderListView {
  orders: OrderSummaryView[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

/** Asks a service for the outcome event of a command it may already have decided. */
export class CommandOutcomeQuery {
  @IsString() commandId!: string;
}

/** Every query reply: either a value or a not-found / error with an UPPER_SNAKE code. */
export type QueryReply<T> = { ok: true; value: T } | { ok: false; code: string; message: string };
