import { IsISO8601, IsString, Matches } from 'class-validator';
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
