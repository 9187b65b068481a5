import { CouponDefinition, EpochMs, ProductInfo } from './coupon';
import { assertNonNegativeInteger } from './money';
import { hasProductTarget, itemMatchesTarget, storeListed, targetMatchScore } from './targeting';

/** Why a coupon is not offered for a scan. */
export type NotOfferedReason =
  | 'PAUSED'
  | 'NOT_YET_CLAIMABLE'
  | 'NO_LONGER_CLAIMABLE'
  | 'OUT_OF_STOCK'
  | 'STORE_NOT_ELIGIBLE'
  | 'PRODUCT_NOT_ELIGIBLE';

/** What was scanned: a product and/or a store, either may be unknown. */
export interface ScanSubject {
  readonly product?: ProductInfo | null;
  readonly storeId?: string | null;
}

/** Result of checking one coupon against a scan. */
export type OfferEligibility =
  | { readonly offered: true; readonly remaining: number; readonly matchScore: number }
  | { readonly offered: false; readonly reason: NotOfferedReason };

/**
 * Remaining stock of a coupon: `totalQuantity - issued` (may be <= 0 when sold out or oversold).
 *
 * @param coupon - the definition
 * @param issued - how many have been claimed so far (non-negative integer)
 * @returns remaining count
 * @throws RangeError when quantities are not non-negative integers
 */
export function remainingStock(coupon: Pick<CouponDefinition, 'totalQuantity'>, issued: number): number {
  return assertNonNegativeInteger(coupon.totalQuantity, 'totalQuantity') - assertNonNegativeInteger(issued, 'issued');
}

/**
 * Whether `now` lies inside the claim window `claimableFrom <= now <= claimableUntil` (both bounds
 * inclusive, each optional).
 *
 * @param coupon - the definition
 * @param now - epoch ms
 * @returns 'OPEN', 'NOT_YET' or 'CLOSED'
 */
export function claimWindowState(
  coupon: Pick<CouponDefinition, 'claimableFrom' | 'claimableUntil'>,
  now: EpochMs,
): 'OPEN' | 'NOT_YET' | 'CLOSED' {
  if (coupon.claimableFrom !== undefined && coupon.claimableFrom !== null && now < coupon.claimableFrom) return 'NOT_YET';
  if (coupon.claimableUntil !== undefined && coupon.claimableUntil !== null && now > coupon.claimableUntil) return 'CLOSED';
  return 'OPEN';
}

/**
 * Whether a coupon may be offered in store `storeId`: it lists no stores, or lists `storeId`, or the
 * store is unknown (a product-only scan does not exclude store coupons).
 *
 * @param coupon - the definition
 * @param storeId - scanned store, if any
 * @returns true when the store does not rule the coupon out
 */
export function validForStore(coupon: Pick<CouponDefinition, 'storeIds'>, storeId: string | null | undefined): boolean {
  const storeIds = coupon.storeIds ?? [];
  return storeIds.length === 0 || storeId === undefined || storeId === null || storeIds.includes(storeId);
}

/**
 * Whether a coupon may be offered for product `product`.
 *
 * - With a product: a whole-order coupon (no product target) always qualifies; a targeted coupon
 *   qualifies when the product's sku, category or brand is in its target.
 * - Without a product (store-only scan): only whole-order coupons qualify. Our reading of "with no P,
 *   only coupons without a product target, and store coupons" is that the store coupons meant are
 *   the whole-order coupons restricted to the scanned store; a product-targeted coupon is never
 *   offered without a product, even when it is restricted to the scanned store.
 *
 * @param coupon - the definition
 * @param product - scanned product, if any
 * @returns true when the product does not rule the coupon out
 */
export function validForProduct(coupon: Pick<CouponDefinition, 'target'>, product: ProductInfo | null | undefined): boolean {
  if (!hasProductTarget(coupon.target)) return true;
  return !!product && itemMatchesTarget(product, coupon.target);
}

/**
 * How well a coupon matches a scan: 4 when the product's sku is in the target, else 2 when its
 * category or brand is, else 0; plus 1 when the scanned store is explicitly in `storeIds`.
 *
 * @param coupon - the definition
 * @param scan - product and/or store
 * @returns 0..5
 */
export function matchScore(coupon: Pick<CouponDefinition, 'target' | 'storeIds'>, scan: ScanSubject): number {
  const productScore = scan.product ? targetMatchScore(scan.product, coupon.target) : 0;
  return productScore + (storeListed(coupon.storeIds, scan.storeId) ? 1 : 0);
}

/**
 * Decides whether a coupon is offered for a scan. It is when it is ACTIVE, `now` is inside its claim
 * window, it has stock left (`totalQuantity - issued > 0`), and it is valid for the store
 * ({@link validForStore}) and for the product ({@link validForProduct}). Checks run in that order and
 * the first failure is reported.
 *
 * @param coupon - the definition
 * @param issued - claims issued so far
 * @param scan - product and/or store
 * @param now - epoch ms
 * @returns offered with remaining stock and match score, or the reason it is not offered
 */
export function offerEligibility(coupon: CouponDefinition, issued: number, scan: ScanSubject, now: EpochMs): OfferEligibility {
  if (coupon.status !== 'ACTIVE') return { offered: false, reason: 'PAUSED' };
  const window = claimWindowState(coupon, now);
  if (window === 'NOT_YET') return { offered: false, reason: 'NOT_YET_CLAIMABLE' };
  if (window === 'CLOSED') return { offered: false, reason: 'NO_LONGER_CLAIMABLE' };
  const remaining = remainingStock(coupon, issued);
  if (remaining <= 0) return { offered: false, reason: 'OUT_OF_STOCK' };
  if (!validForStore(coupon, scan.storeId)) return { offered: false, reason: 'STORE_NOT_ELIGIBLE' };
  if (!validForProduct(coupon, scan.product)) return { offered: false, reason: 'PRODUCT_NOT_ELIGIBLE' };
  return { offered: true, remaining, matchScore: matchScore(coupon, scan) };
}
