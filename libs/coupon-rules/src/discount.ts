import { Discount, MinorUnits } from './coupon';
import { assertDiscount, assertMinorUnits, toSafeNumber } from './money';

/**
 * Discount arithmetic on an eligible amount, in exact integer math.
 *
 * - AMOUNT_OFF: `min(amount, eligible)`.
 * - PERCENT_OFF: `floor(eligible * percent / 100)`, then capped by `maxDiscount` when that is set
 *   (`null`/absent = uncapped). The product is computed with BigInt, so it is exact even when
 *   `eligible * percent` exceeds 2^53.
 *
 * The result never exceeds `eligible`.
 *
 * @param discount - the coupon's discount
 * @param eligible - eligible amount in minor units (non-negative safe integer)
 * @returns discount in minor units
 * @throws RangeError for an invalid discount or amount
 */
export function discountAmount(discount: Discount, eligible: MinorUnits): MinorUnits {
  assertDiscount(discount);
  assertMinorUnits(eligible, 'eligible');
  if (discount.type === 'AMOUNT_OFF') {
    return Math.min(discount.amount, eligible);
  }
  const raw = toSafeNumber((BigInt(eligible) * BigInt(discount.percent)) / 100n);
  const cap = discount.maxDiscount;
  return cap === undefined || cap === null ? raw : Math.min(raw, cap);
}
