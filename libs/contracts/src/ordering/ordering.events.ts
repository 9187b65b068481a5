import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ValidateNestedType } from '../nested-type';
import { AppliedCoupon, CURRENCY_PATTERN, ID_PATTERN, PricedOrderLine } from '../values';

export const OrderingEventTypes = {
  orderProcessed: 'OrderProcessed',
  orderRejected: 'OrderRejected',
  orderCancelled: 'OrderCancelled',
  cancelRejected: 'OrderCancelRejected',
  couponRedeemed: 'CouponRedeemed',
  couponReleased: 'CouponReleased',
} as const;

/** ORDER_TOO_LARGE: the amounts of the order would exceed exact integer arithmetic (2^53 fen); never a 500. */
export const ORDER_REJECTION_CODES = ['UNKNOWN_SKU', 'UNKNOWN_STORE', 'COUPON_NOT_APPLICABLE', 'CURRENCY_MISMATCH', 'ORDER_TOO_LARGE'] as const;
export type OrderRejectionCode = (typeof ORDER_REJECTION_CODES)[number];

export class OrderProcessed {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsString() @Matches(ID_PATTERN) storeId!: string;
  @IsArray() @ValidateNestedType(() => PricedOrderLine, { each: true }) items!: PricedOrderLine[];
  @IsInt() @Min(0) subtotal!: number;
  @IsInt() @Min(0) discount!: number;
  @IsInt() @Min(0) total!: number;
  @IsString() @Matches(CURRENCY_PATTERN) currency!: string;
  @IsOptional() @ValidateNestedType(() => AppliedCoupon) appliedCoupon!: AppliedCoupon | null;
  @IsISO8601({ strict: true }) processedAt!: string;
}

export class OrderRejected {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsIn(ORDER_REJECTION_CODES) code!: OrderRejectionCode;
  @IsString() message!: string;
  @IsOptional() @IsArray() details?: unknown[];
}

export class OrderCancelled {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsISO8601({ strict: true }) cancelledAt!: string;
}

export const CANCEL_REJECTION_CODES = ['ORDER_NOT_FOUND', 'ALREADY_CANCELLED'] as const;

export class OrderCancelRejected {
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsIn(CANCEL_REJECTION_CODES) code!: (typeof CANCEL_REJECTION_CODES)[number];
  @IsString() message!: string;
}

/**
 * A claimed coupon was spent by an order (Single use: at most one per claim, decided by the user's serial writer).
 * Its causationId is the OrderProcessed event, not the command: the command's answer is OrderProcessed alone.
 */
export class CouponRedeemed {
  @IsString() @Matches(ID_PATTERN) claimId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsISO8601({ strict: true }) redeemedAt!: string;
}

/** A cancelled order gave its coupon back (causationId: the OrderCancelled event). */
export class CouponReleased {
  @IsString() @Matches(ID_PATTERN) claimId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsString() @Matches(ID_PATTERN) orderId!: string;
  @IsISO8601({ strict: true }) releasedAt!: string;
}
