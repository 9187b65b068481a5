import { Discount } from './coupon';

/** Ensures a value is a safe integer >= `min`; returns it. */
function assertInteger(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what} must be a safe integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Asserts that `value` is a valid money amount: a non-negative safe integer of minor units.
 *
 * @param value - the amount to check
 * @param what - name used in the error message
 * @returns the value
 * @throws RangeError when it is not a non-negative safe integer
 */
export function assertMinorUnits(value: unknown, what = 'amount'): number {
  return assertInteger(value, what, 0);
}

/**
 * Asserts that `value` is a safe integer, possibly negative (e.g. a priority).
 *
 * @param value - the value to check
 * @param what - name used in the error message
 * @returns the value
 * @throws RangeError otherwise
 */
export function assertSafeInteger(value: unknown, what = 'value'): number {
  return assertInteger(value, what, Number.MIN_SAFE_INTEGER);
}

/**
 * Asserts that `value` is a non-negative safe integer (e.g. a stock count).
 *
 * @param value - the value to check
 * @param what - name used in the error message
 * @returns the value
 * @throws RangeError otherwise
 */
export function assertNonNegativeInteger(value: unknown, what = 'value'): number {
  return assertInteger(value, what, 0);
}

/**
 * Asserts that `value` is a positive safe integer (e.g. a quantity).
 *
 * @param value - the value to check
 * @param what - name used in the error message
 * @returns the value
 * @throws RangeError otherwise
 */
export function assertPositiveInteger(value: unknown, what = 'value'): number {
  return assertInteger(value, what, 1);
}

/**
 * Converts an exact BigInt result back to a number, refusing anything that would lose precision.
 *
 * @param value - exact result
 * @param what - name used in the error message
 * @returns the same value as a safe integer
 * @throws RangeError when it exceeds Number.MAX_SAFE_INTEGER
 */
export function toSafeNumber(value: bigint, what = 'amount'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} exceeds the safe integer range`);
  }
  return Number(value);
}

/**
 * Validates a discount definition: AMOUNT_OFF needs a non-negative integer amount; PERCENT_OFF an
 * integer percent 1..100 and, if present, a non-negative integer maxDiscount.
 *
 * @param discount - the discount to check
 * @returns the discount
 * @throws RangeError when invalid
 */
export function assertDiscount(discount: Discount): Discount {
  switch (discount?.type) {
    case 'AMOUNT_OFF':
      assertMinorUnits(discount.amount, 'discount.amount');
      return discount;
    case 'PERCENT_OFF':
      assertInteger(discount.percent, 'discount.percent', 1);
      if (discount.percent > 100) throw new RangeError(`discount.percent must be <= 100, got ${discount.percent}`);
      if (discount.maxDiscount !== undefined && discount.maxDiscount !== null) {
        assertMinorUnits(discount.maxDiscount, 'discount.maxDiscount');
      }
      return discount;
    default:
      throw new RangeError(`unknown discount type ${String((discount as { type?: unknown } | undefined)?.type)}`);
  }
}
