import { CouponDefinition, EpochMs } from './coupon';
import { assertNonNegativeInteger, toSafeNumber } from './money';

/** Milliseconds in one day as used by `validDaysAfterClaim` (24h, calendar/timezone agnostic). */
export const DAY_MS = 86_400_000;

/**
 * When a claim made at `claimedAt` stops being valid (inclusive bound), in this order of precedence:
 * 1. `validDaysAfterClaim` set → `claimedAt + N * 24h` (exact milliseconds, not end-of-day);
 * 2. else `validUntil` set → that instant;
 * 3. else `claimableUntil` set → that instant (a claim lasts as long as the campaign);
 * 4. else `null`, meaning the claim never expires.
 *
 * @param coupon - the definition's validity fields
 * @param claimedAt - claim time, epoch ms
 * @returns inclusive end of validity (epoch ms) or null for no expiry
 * @throws RangeError when validDaysAfterClaim is not a non-negative integer
 */
export function claimValidUntil(
  coupon: Pick<CouponDefinition, 'validDaysAfterClaim' | 'validUntil' | 'claimableUntil'>,
  claimedAt: EpochMs,
): EpochMs | null {
  if (coupon.validDaysAfterClaim !== undefined && coupon.validDaysAfterClaim !== null) {
    const days = assertNonNegativeInteger(coupon.validDaysAfterClaim, 'validDaysAfterClaim');
    return toSafeNumber(BigInt(claimedAt) + BigInt(days) * BigInt(DAY_MS), 'validUntil');
  }
  return coupon.validUntil ?? coupon.claimableUntil ?? null;
}
