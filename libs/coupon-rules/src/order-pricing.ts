import { CouponTarget, MinorUnits, OrderLine } from './coupon';
import { assertMinorUnits, assertPositiveInteger, toSafeNumber } from './money';
import { itemMatchesTarget } from './targeting';

/** An order line with its total. */
export interface PricedLine extends OrderLine {
  /** `unitPrice * quantity`, minor units. */
  readonly lineTotal: MinorUnits;
}

/** Prices of an order before any coupon. */
export interface OrderPrice {
  readonly lines: PricedLine[];
  /** Sum of line totals. */
  readonly subtotal: MinorUnits;
}

/**
 * Total of one line, exact: `unitPrice * quantity`.
 *
 * @param line - the order line (quantity positive integer, unitPrice non-negative integer)
 * @returns line total in minor units
 * @throws RangeError on invalid quantity/price or a total beyond Number.MAX_SAFE_INTEGER
 */
export function lineTotal(line: OrderLine): MinorUnits {
  assertPositiveInteger(line.quantity, `quantity of ${line.sku}`);
  assertMinorUnits(line.unitPrice, `unitPrice of ${line.sku}`);
  return toSafeNumber(BigInt(line.unitPrice) * BigInt(line.quantity), `total of ${line.sku}`);
}

/**
 * Prices an order: each line's total and the subtotal, in exact integer arithmetic.
 *
 * @param lines - order lines
 * @returns priced lines and subtotal
 * @throws RangeError on invalid lines or totals beyond Number.MAX_SAFE_INTEGER
 */
export function priceOrder(lines: readonly OrderLine[]): OrderPrice {
  const priced = lines.map((line) => ({ ...line, lineTotal: lineTotal(line) }));
  const subtotal = toSafeNumber(priced.reduce((sum, line) => sum + BigInt(line.lineTotal), 0n), 'subtotal');
  return { lines: priced, subtotal };
}

/**
 * Amount of an order a coupon can discount: the sum of the totals of the lines its target matches
 * (every line when the target is absent/empty). A line matches on sku, category or brand.
 *
 * @param target - coupon target
 * @param lines - order lines
 * @returns eligible amount in minor units
 * @throws RangeError on invalid lines
 */
export function eligibleAmount(target: CouponTarget | null | undefined, lines: readonly OrderLine[]): MinorUnits {
  const matching = lines.filter((line) => itemMatchesTarget(line, target));
  return priceOrder(matching).subtotal;
}
