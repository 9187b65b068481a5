import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN } from '../values';

export const WalletCommandTypes = { claimCoupon: 'ClaimCoupon' } as const;

/** Keyed by couponId: one serial writer decides stock and per-user limits for a coupon. */
export class ClaimCoupon {
  /** Assigned by the gateway (deterministic from the Idempotency-Key when one is given). */
  @IsString() @Matches(ID_PATTERN) claimId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  /** From the verified token, never from the request body. */
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsISO8601({ strict: true }) requestedAt!: string;
}

// --- Coupon edits: the wallet's part (stock terms, decided in order with the coupon's claims).

export const CouponStockCommandTypes = { changeCouponStock: 'ChangeCouponStock' } as const;

/**
 * New stock terms for a coupon; absent: unchanged. Keyed by couponId like ClaimCoupon, so the wallet decides it in
 * order with the coupon's claims against the exact issued count: never below it (BELOW_ISSUED), perUserLimit only up.
 */
export class ChangeCouponStock {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) totalQuantity?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) perUserLimit?: number;
}
