import { ClaimedCoupon, EpochMs, MinorUnits, OrderLine } from './coupon';
import { discountAmount } from './discount';
import { assertMinorUnits } from './money';
import { eligibleAmount, priceOrder } from './order-pricing';

/** Why a claimed coupon does not apply to an order. */
export type NotApplicableReason =
  | 'REDEEMED'
  | 'EXPIRED'
  | 'STORE_NOT_ELIGIBLE'
  | 'NO_ELIGIBLE_ITEMS'
  | 'MIN_SPEND_NOT_MET';

/** Result of {@link discountFor}. */
export type CouponApplication =
  | { readonly applies: false; readonly reason: NotApplicableReason }
  | { readonly applies: true; readonly discount: MinorUnits; readonly eligible: MinorUnits };

/**
 * Whether and how much a claimed coupon takes off an order. It applies when, checked in this order:
 * the claim is AVAILABLE (REDEEMED → 'REDEEMED', EXPIRED → 'EXPIRED'); `now <= validUntil` (null =
 * no expiry; otherwise 'EXPIRED'); the coupon lists no stores or lists `storeId` (an unknown store
 * does not satisfy a store-restricted coupon: 'STORE_NOT_ELIGIBLE'); the eligible amount (totals of
 * the lines its target matches) is > 0 ('NO_ELIGIBLE_ITEMS') and >= minSpend ('MIN_SPEND_NOT_MET').
 * The discount is then `discountAmount(discount, eligible)` (may be 0, e.g. 1% of 50 fen).
 *
 * @param claim - the claimed coupon
 * @param lines - order lines
 * @param storeId - the order's store (null/undefined = none)
 * @param now - epoch ms
 * @returns applies with discount and eligible amount, or the reason it does not
 * @throws RangeError on malformed lines or discount
 */
export function discountFor(
  claim: ClaimedCoupon,
  lines: readonly OrderLine[],
  storeId: string | null | undefined,
  now: EpochMs,
): CouponApplication {
  if (claim.status === 'REDEEMED') return { applies: false, reason: 'REDEEMED' };
  if (claim.status !== 'AVAILABLE') return { applies: false, reason: 'EXPIRED' };
  if (claim.validUntil !== null && claim.validUntil !== undefined && now > claim.validUntil) {
    return { applies: false, reason: 'EXPIRED' };
  }
  const storeIds = claim.coupon.storeIds ?? [];
  if (storeIds.length > 0 && (storeId === null || storeId === undefined || !storeIds.includes(storeId))) {
    return { applies: false, reason: 'STORE_NOT_ELIGIBLE' };
  }
  const eligible = eligibleAmount(claim.coupon.target, lines);
  if (eligible <= 0) return { applies: false, reason: 'NO_ELIGIBLE_ITEMS' };
  if (eligible < assertMinorUnits(claim.coupon.minSpend ?? 0, 'minSpend')) return { applies: false, reason: 'MIN_SPEND_NOT_MET' };
  return { applies: true, discount: discountAmount(claim.coupon.discount, eligible), eligible };
}

/** One claim's evaluation against an order. */
export interface ClaimEvaluation {
  readonly claimId: string;
  readonly couponId: string;
  readonly result: CouponApplication;
}

/** The coupon picked for an order. */
export interface ChosenCoupon {
  readonly claimId: string;
  readonly couponId: string;
  readonly discount: MinorUnits;
  readonly eligible: MinorUnits;
}

/** Input of {@link bestCouponForOrder}. */
export interface BestCouponInput {
  readonly claims: readonly ClaimedCoupon[];
  readonly lines: readonly OrderLine[];
  readonly storeId?: string | null;
  readonly now: EpochMs;
}

/** Output of {@link bestCouponForOrder}. */
export interface BestCouponResult {
  /** Sum of line totals. */
  readonly subtotal: MinorUnits;
  /** Discount of the chosen coupon, 0 when none. */
  readonly discount: MinorUnits;
  /** `max(0, subtotal - discount)`. */
  readonly total: MinorUnits;
  /** The chosen coupon, or null. */
  readonly chosen: ChosenCoupon | null;
  /** Every claim's result, in input order (for "why not" messages). */
  readonly evaluations: ClaimEvaluation[];
}

function compareCandidates(
  a: { claim: ClaimedCoupon; discount: number },
  b: { claim: ClaimedCoupon; discount: number },
): number {
  if (a.discount !== b.discount) return b.discount - a.discount;
  const untilA = a.claim.validUntil ?? Number.POSITIVE_INFINITY;
  const untilB = b.claim.validUntil ?? Number.POSITIVE_INFINITY;
  if (untilA !== untilB) return untilA < untilB ? -1 : 1;
  if (a.claim.claimedAt !== b.claim.claimedAt) return a.claim.claimedAt - b.claim.claimedAt;
  if (a.claim.claimId === b.claim.claimId) return 0;
  return a.claim.claimId < b.claim.claimId ? -1 : 1;
}

/**
 * Picks the one coupon to apply to an order and prices it.
 *
 * Among the claims that apply ({@link discountFor}), the chosen one has the largest discount, then
 * the earliest validUntil (no expiry = last), then the earliest claimedAt, then the smallest claimId
 * (UTF-16 code unit order). A claim whose discount is 0 is never chosen: redeeming it would use up
 * the coupon for nothing. `total = subtotal - discount`, never negative.
 *
 * @param input - claims, order lines, the order's store and now (epoch ms)
 * @returns subtotal, discount, total, the chosen coupon (or null) and every claim's evaluation
 * @throws RangeError on malformed lines or discounts
 */
export function bestCouponForOrder(input: BestCouponInput): BestCouponResult {
  const { subtotal } = priceOrder(input.lines);
  const evaluations: ClaimEvaluation[] = [];
  let best: { claim: ClaimedCoupon; discount: number; eligible: number } | null = null;
  for (const claim of input.claims) {
    const result = discountFor(claim, input.lines, input.storeId, input.now);
    evaluations.push({ claimId: claim.claimId, couponId: claim.couponId, result });
    if (!result.applies || result.discount <= 0) continue;
    const candidate = { claim, discount: result.discount, eligible: result.eligible };
    if (best === null || compareCandidates(candidate, best) < 0) best = candidate;
  }
  const discount = best?.discount ?? 0;
  return {
    subtotal,
    discount,
    total: Math.max(0, subtotal - discount),
    chosen: best && { claimId: best.claim.claimId, couponId: best.claim.couponId, discount: best.discount, eligible: best.eligible },
    evaluations,
  };
}
