/**
 * Domain types shared by the coupon rules.
 *
 * Conventions used throughout this library:
 * - Money is an integer number of minor units (fen for CNY). Every money input must be a
 *   non-negative safe integer; results are exact (computed with BigInt where a product could
 *   exceed 2^53) and are safe integers.
 * - Times are **epoch milliseconds** (`number`, UTC). Map `Date` with `getTime()` and ISO strings
 *   with `Date.parse()`. "Now" is always a parameter; no rule reads the clock.
 * - Optional bounds may be `undefined` or `null`; both mean "no bound".
 */

/** Epoch milliseconds (UTC). */
export type EpochMs = number;

/** Integer amount of money in minor units (fen). */
export type MinorUnits = number;

/** Currency used when none is given. */
export const DEFAULT_CURRENCY = 'CNY';

/** A fixed amount off, in minor units. */
export interface AmountOffDiscount {
  readonly type: 'AMOUNT_OFF';
  /** Minor units, non-negative integer. */
  readonly amount: MinorUnits;
}

/** A percentage off, optionally capped. */
export interface PercentOffDiscount {
  readonly type: 'PERCENT_OFF';
  /** Integer 1..100. */
  readonly percent: number;
  /** Cap in minor units; `null`/absent = uncapped (0 is a real cap of 0). */
  readonly maxDiscount?: MinorUnits | null;
}

/** What a coupon takes off. */
export type Discount = AmountOffDiscount | PercentOffDiscount;

/**
 * Which products a coupon is for. A product/line matches when its sku is in `skus`, OR its category
 * is in `categories`, OR its brand is in `brands`. All lists empty or absent = whole order.
 */
export interface CouponTarget {
  readonly skus?: readonly string[] | null;
  readonly categories?: readonly string[] | null;
  readonly brands?: readonly string[] | null;
}

/** Lifecycle of a coupon definition. */
export type CouponStatus = 'ACTIVE' | 'PAUSED' | 'ENDED';

/** The fields needed to apply a coupon to an order. */
export interface CouponTerms {
  readonly discount: Discount;
  /** Minimum eligible spend in minor units; absent/null = 0. */
  readonly minSpend?: MinorUnits | null;
  /** Absent/null = whole order. */
  readonly target?: CouponTarget | null;
  /** Stores where the coupon can be offered/used; empty/absent/null = every store. */
  readonly storeIds?: readonly string[] | null;
}

/** A coupon as defined by a merchant in the catalog. */
export interface CouponDefinition extends CouponTerms {
  readonly couponId: string;
  readonly title: string;
  /** How many can ever be issued (claimed). */
  readonly totalQuantity: number;
  /** How many one user may claim (enforced by the wallet; not used by the scan rules). */
  readonly perUserLimit: number;
  /** Claim window start (inclusive); absent/null = open. */
  readonly claimableFrom?: EpochMs | null;
  /** Claim window end (inclusive); absent/null = open. */
  readonly claimableUntil?: EpochMs | null;
  /** If set, a claim is valid for this many days (24h each) after it was claimed. */
  readonly validDaysAfterClaim?: number | null;
  /** Fixed end of validity for claims (used when `validDaysAfterClaim` is absent). */
  readonly validUntil?: EpochMs | null;
  /** Merchant-chosen tie-breaker; higher first. Absent/null = 0. */
  readonly priority?: number | null;
  readonly status: CouponStatus;
}

/** A product as known to the catalog. */
export interface ProductInfo {
  readonly sku: string;
  /** GTIN-14 (see `toGtin14`). */
  readonly gtin?: string | null;
  readonly name: string;
  /** Unit price in minor units. */
  readonly price: MinorUnits;
  readonly currency: string;
  readonly category?: string | null;
  readonly brand?: string | null;
}

/** Status of a coupon held in a user's wallet. */
export type ClaimStatus = 'AVAILABLE' | 'REDEEMED' | 'EXPIRED';

/** A coupon a user has claimed. */
export interface ClaimedCoupon {
  readonly claimId: string;
  readonly couponId: string;
  readonly claimedAt: EpochMs;
  /** Inclusive end of validity; `null` = never expires. */
  readonly validUntil: EpochMs | null;
  readonly status: ClaimStatus;
  readonly coupon: CouponTerms;
}

/** One line of an order. */
export interface OrderLine {
  readonly sku: string;
  /** Positive integer. */
  readonly quantity: number;
  /** Minor units per unit. */
  readonly unitPrice: MinorUnits;
  readonly category?: string | null;
  readonly brand?: string | null;
}
