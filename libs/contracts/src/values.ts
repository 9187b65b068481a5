import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';

/** Ids are short printable strings: no spaces or control characters. */
export const ID_PATTERN = /^[\x21-\x7E]{1,64}$/;
export const MAX_MONEY = 1_000_000_000_00; // one billion yuan in fen: far above any real price, below 2^53
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/**
 * The merchant that owns the catalog entities of events written before tenancy (the upcasters give it to them), so a
 * data dir from then upgrades in place; `npm start`'s demo merchant signs in as it.
 */
export const DEFAULT_MERCHANT_ID = 'default';

/** ENDED is final: an ended coupon is never claimable again (claims already made keep their validity). */
export const COUPON_STATUSES = ['ACTIVE', 'PAUSED', 'ENDED'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export class AmountOffDiscount {
  @IsIn(['AMOUNT_OFF']) type!: 'AMOUNT_OFF';
  @IsInt() @Min(0) @Max(MAX_MONEY) amount!: number;
}

export class PercentOffDiscount {
  @IsIn(['PERCENT_OFF']) type!: 'PERCENT_OFF';
  @IsInt() @Min(1) @Max(100) percent!: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_MONEY) maxDiscount?: number | null;
}

export type DiscountSpec = AmountOffDiscount | PercentOffDiscount;

/** class-transformer options to turn a plain discount into the right class before validation. */
export const discountTypeOptions = {
  keepDiscriminatorProperty: true,
  discriminator: {
    property: 'type',
    subTypes: [
      { value: AmountOffDiscount, name: 'AMOUNT_OFF' },
      { value: PercentOffDiscount, name: 'PERCENT_OFF' },
    ],
  },
};

export class CouponTargetSpec {
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsString({ each: true }) @Matches(ID_PATTERN, { each: true }) skus?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(64, { each: true }) categories?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(64, { each: true }) brands?: string[];
}

export class DisplayItemSpec {
  @IsString() @Matches(ID_PATTERN) sku!: string;
  @IsString() @MinLength(1) @MaxLength(200) headline!: string;
}

export class OrderLineSpec {
  @IsString() @Matches(ID_PATTERN) sku!: string;
  @IsInt() @Min(1) @Max(999) quantity!: number;
}

export class PricedOrderLine {
  @IsString() @Matches(ID_PATTERN) sku!: string;
  @IsInt() @Min(1) @Max(999) quantity!: number;
  @IsInt() @Min(0) unitPrice!: number;
  @IsInt() @Min(0) lineTotal!: number;
}

export class AppliedCoupon {
  @IsString() claimId!: string;
  @IsString() couponId!: string;
  @IsString() title!: string;
}

/** Position of an event in a topic: lets a reader wait until it has folded up to there (read-your-writes). */
export class TopicPosition {
  @IsString() topic!: string;
  @IsInt() @Min(0) partition!: number;
  /** Offset of the event itself; the reader has caught up when its committed position is beyond it. */
  @IsString() @Matches(/^\d+$/) offset!: string;
}

export { Type, ValidateNested };
