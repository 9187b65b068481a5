import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ValidateNestedType } from '../nested-type';
import { AmountOffDiscount, DiscountSpec, ID_PATTERN, discountTypeOptions } from '../values';

export const WalletEventTypes = {
  couponClaimed: 'CouponClaimed',
  claimRejected: 'ClaimRejected',
} as const;

export const CLAIM_REJECTION_CODES = ['OUT_OF_STOCK', 'LIMIT_REACHED', 'DAILY_LIMIT_REACHED', 'NOT_CLAIMABLE', 'COUPON_NOT_FOUND'] as const;
export type ClaimRejectionCode = (typeof CLAIM_REJECTION_CODES)[number];

/** The user <-> coupon mapping was recorded. Carries what wallet views and ordering need, so they fold it alone. */
export class CouponClaimed {
  @IsString() @Matches(ID_PATTERN) claimId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsString() title!: string;
  @ValidateNestedType(() => AmountOffDiscount, discountTypeOptions) discount!: DiscountSpec;
  @IsISO8601({ strict: true }) claimedAt!: string;
  /** null: no expiry */
  @IsOptional() @IsISO8601({ strict: true }) validUntil!: string | null;
  /** How many of this coupon have been issued including this claim (stock decided in order): its issue sequence. */
  @IsInt() @Min(1) issuedCount!: number;
  /**
   * The claim's sequence among this user's claims of this coupon (1..perUserLimit), and the stock terms it was decided
   * under. The wallet's claim rows hold them (database constraints bound both sequences), so its replay needs them in
   * the event. Optional on the wire for events from before they were added; the wallet always sets them.
   */
  @IsOptional() @IsInt() @Min(1) userClaimSeq?: number;
  @IsOptional() @IsInt() @Min(1) totalQuantity?: number;
  @IsOptional() @IsInt() @Min(1) perUserLimit?: number;
  /**
   * The day the claim counts in for daily caps ('YYYY-MM-DD' in the coupon's time zone, from the command's time), and
   * its sequences on that day: among the coupon's claims, and among this user's claims of it. The wallet's claim rows
   * hold them (unique per day, so two deciders can't both take the last of a day); absent on events from before.
   */
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) claimDay?: string;
  @IsOptional() @IsInt() @Min(1) dayIssueSeq?: number;
  @IsOptional() @IsInt() @Min(1) dayUserSeq?: number;
}

export class ClaimRejected {
  @IsString() @Matches(ID_PATTERN) claimId!: string;
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsString() @Matches(ID_PATTERN) userId!: string;
  @IsIn(CLAIM_REJECTION_CODES) code!: ClaimRejectionCode;
  @IsString() message!: string;
}

// --- Coupon edits: the wallet's part.

export const CouponStockEventTypes = {
  couponStockChanged: 'CouponStockChanged',
  couponStockChangeRejected: 'CouponStockChangeRejected',
} as const;

/** The coupon's stock terms from now on (both, changed or not), and how many were issued when they changed. */
export class CouponStockChanged {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsInt() @Min(1) totalQuantity!: number;
  @IsInt() @Min(1) perUserLimit!: number;
  @IsInt() @Min(0) issued!: number;
}

export const STOCK_CHANGE_REJECTION_CODES = ['BELOW_ISSUED', 'LIMIT_LOWERED', 'COUPON_ENDED', 'COUPON_NOT_FOUND'] as const;
export type StockChangeRejectionCode = (typeof STOCK_CHANGE_REJECTION_CODES)[number];

export class CouponStockChangeRejected {
  @IsString() @Matches(ID_PATTERN) couponId!: string;
  @IsIn(STOCK_CHANGE_REJECTION_CODES) code!: StockChangeRejectionCode;
  @IsString() message!: string;
  /** The request field at fault (totalQuantity, perUserLimit), when there is one. */
  @IsOptional() @IsString() field?: string;
  @IsInt() @Min(400) httpStatus!: number;
}
