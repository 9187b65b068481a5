import { CouponDefinition, CouponTarget, Discount, EpochMs, MinorUnits, ProductInfo } from './coupon';
import { discountAmount } from './discount';
import { assertMinorUnits, assertSafeInteger } from './money';
import { ScanSubject, offerEligibility } from './offer-matching';

/** A coupon definition with how many have been issued (claimed) so far. */
export interface CouponWithStock {
  readonly coupon: CouponDefinition;
  readonly issued: number;
}

/** A coupon offered for a scan. */
export interface Offer {
  readonly couponId: string;
  readonly title: string;
  readonly discount: Discount;
  readonly minSpend: MinorUnits;
  readonly target: CouponTarget;
  readonly storeIds: readonly string[];
  /** End of the claim window, `null` = open-ended. */
  readonly claimableUntil: EpochMs | null;
  /** `totalQuantity - issued`, always > 0. */
  readonly remaining: number;
  /** See `matchScore`: 0..5. */
  readonly matchScore: number;
  /** The ranking value: see {@link offerValue}. */
  readonly value: MinorUnits;
  /** Merchant priority (0 when unset). */
  readonly priority: number;
}

/** Input of {@link offersForScan}. */
export interface OffersForScanInput extends ScanSubject {
  readonly coupons: readonly CouponWithStock[];
  readonly now: EpochMs;
}

/** Output of {@link offersForScan}. */
export interface OffersForScanResult {
  /** Ranked, best first. */
  readonly offers: Offer[];
  /** `offers[0]`, or null when nothing is offered. */
  readonly best: Offer | null;
}

/**
 * The value used to rank an offer.
 *
 * - With a product: the discount applied to one unit, i.e. `discountAmount(discount, product.price)`
 *   (AMOUNT_OFF: `min(amount, price)`; PERCENT_OFF: `floor(price * percent / 100)` capped).
 * - Without a product: AMOUNT_OFF is worth its full `amount` (taking `min(amount, minSpend)` would
 *   make every no-threshold voucher worth 0); PERCENT_OFF is the discount on `minSpend` (so a
 *   percent coupon without a threshold is worth 0 here).
 *
 * @param coupon - discount and minSpend of the coupon
 * @param product - scanned product, if any
 * @returns value in minor units
 */
export function offerValue(coupon: Pick<CouponDefinition, 'discount' | 'minSpend'>, product: ProductInfo | null | undefined): MinorUnits {
  if (product) return discountAmount(coupon.discount, product.price);
  if (coupon.discount.type === 'AMOUNT_OFF') return discountAmount(coupon.discount, coupon.discount.amount);
  return discountAmount(coupon.discount, coupon.minSpend ?? 0);
}

/**
 * Orders offers best first: matchScore desc, then value desc, then priority desc, then
 * claimableUntil asc (open-ended last), then couponId asc (by UTF-16 code units, not locale).
 *
 * @param a - offer
 * @param b - offer
 * @returns negative when `a` ranks before `b`
 */
export function compareOffers(a: Offer, b: Offer): number {
  if (a.matchScore !== b.matchScore) return b.matchScore - a.matchScore;
  if (a.value !== b.value) return b.value - a.value;
  if (a.priority !== b.priority) return b.priority - a.priority;
  const untilA = a.claimableUntil ?? Number.POSITIVE_INFINITY;
  const untilB = b.claimableUntil ?? Number.POSITIVE_INFINITY;
  if (untilA !== untilB) return untilA < untilB ? -1 : 1;
  if (a.couponId === b.couponId) return 0;
  return a.couponId < b.couponId ? -1 : 1;
}

/**
 * The coupons offered for a scan of a product and/or store, ranked best first.
 *
 * A coupon is offered when it is ACTIVE, inside its claim window, has stock left and is valid for
 * the store and product (see `offerEligibility`, `validForStore`, `validForProduct`); offers are
 * ranked with {@link compareOffers}.
 *
 * @param input - product and/or storeId (either may be absent), coupons with issued counts, and now (epoch ms)
 * @returns ranked offers and the best one
 * @throws RangeError on malformed coupon data (non-integer money, bad percent, ...)
 */
export function offersForScan(input: OffersForScanInput): OffersForScanResult {
  const scan: ScanSubject = { product: input.product, storeId: input.storeId };
  const offers: Offer[] = [];
  for (const { coupon, issued } of input.coupons) {
    const eligibility = offerEligibility(coupon, issued, scan, input.now);
    if (!eligibility.offered) continue;
    offers.push({
      couponId: coupon.couponId,
      title: coupon.title,
      discount: coupon.discount,
      minSpend: assertMinorUnits(coupon.minSpend ?? 0, 'minSpend'),
      target: coupon.target ?? {},
      storeIds: coupon.storeIds ?? [],
      claimableUntil: coupon.claimableUntil ?? null,
      remaining: eligibility.remaining,
      matchScore: eligibility.matchScore,
      value: offerValue(coupon, input.product),
      priority: assertSafeInteger(coupon.priority ?? 0, 'priority'),
    });
  }
  offers.sort(compareOffers);
  return { offers, best: offers[0] ?? null };
}
