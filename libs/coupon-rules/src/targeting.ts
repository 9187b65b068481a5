import { CouponTarget } from './coupon';

/** Anything that may carry a sku, category and brand (a product or an order line). */
export interface Targetable {
  readonly sku: string;
  readonly category?: string | null;
  readonly brand?: string | null;
}

function has(list: readonly string[] | null | undefined, value: string | null | undefined): boolean {
  return value !== undefined && value !== null && !!list && list.includes(value);
}

/**
 * Whether a target restricts products at all.
 *
 * @param target - coupon target (absent/null = whole order)
 * @returns true when any of skus, categories or brands is non-empty
 */
export function hasProductTarget(target: CouponTarget | null | undefined): boolean {
  return !!target && ((target.skus?.length ?? 0) > 0 || (target.categories?.length ?? 0) > 0 || (target.brands?.length ?? 0) > 0);
}

/**
 * Whether an item (product or order line) is covered by a target: always for a whole-order target,
 * otherwise when its sku is in `skus`, its category in `categories` or its brand in `brands`.
 *
 * @param item - product or order line
 * @param target - coupon target
 * @returns true when the item is eligible for the coupon
 */
export function itemMatchesTarget(item: Targetable, target: CouponTarget | null | undefined): boolean {
  if (!hasProductTarget(target)) return true;
  return targetMatchScore(item, target) > 0;
}

/**
 * How specifically a target names an item: 4 when its sku is listed, else 2 when its category or
 * brand is listed, else 0 (also 0 for a whole-order target, which names nothing).
 *
 * @param item - product or order line
 * @param target - coupon target
 * @returns 4, 2 or 0
 */
export function targetMatchScore(item: Targetable, target: CouponTarget | null | undefined): 0 | 2 | 4 {
  if (!target) return 0;
  if (has(target.skus, item.sku)) return 4;
  if (has(target.categories, item.category) || has(target.brands, item.brand)) return 2;
  return 0;
}

/**
 * Whether a store list names a store explicitly.
 *
 * @param storeIds - coupon's stores (empty/absent = every store)
 * @param storeId - the store, if known
 * @returns true when `storeId` is known and listed
 */
export function storeListed(storeIds: readonly string[] | null | undefined, storeId: string | null | undefined): boolean {
  return has(storeIds, storeId);
}
