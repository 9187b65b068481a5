import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  COUPON_STATUSES, CouponStatus, DEFAULT_COUPON_TIME_ZONE, ID_PATTERN, IsApiTimestamp, IsTimeZone, MAX_MONEY, parseApiTimestamp,
} from '@coupons/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';

export const DISCOUNT_TYPES = ['AMOUNT_OFF', 'PERCENT_OFF'] as const;

/** What an unknown `discount.type` becomes, so the error names discount.type instead of guessing a shape. */
export class UnknownDiscount {
  @IsIn(DISCOUNT_TYPES, { message: 'type must be AMOUNT_OFF or PERCENT_OFF' }) type!: string;
}

export class AmountOffDiscountRequest {
  @ApiProperty({ enum: ['AMOUNT_OFF'] }) @IsIn(['AMOUNT_OFF']) type!: 'AMOUNT_OFF';
  @ApiProperty({ example: 500, description: 'minor units, integer >= 0' }) @IsInt() @Min(0) @Max(MAX_MONEY) amount!: number;
}

export class PercentOffDiscountRequest {
  @ApiProperty({ enum: ['PERCENT_OFF'] }) @IsIn(['PERCENT_OFF']) type!: 'PERCENT_OFF';
  @ApiProperty({ example: 15, minimum: 1, maximum: 100 }) @IsInt() @Min(1) @Max(100) percent!: number;
  @ApiPropertyOptional({ example: 1000, nullable: true, description: 'cap in minor units' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_MONEY) maxDiscount?: number | null;
}

export class CouponTargetRequest {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsString({ each: true }) @Matches(ID_PATTERN, { each: true, message: 'each sku must be 1..64 printable characters without spaces' })
  skus?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(64, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(64, { each: true })
  brands?: string[];
}

@ApiExtraModels(AmountOffDiscountRequest, PercentOffDiscountRequest)
export class CreateCouponRequest {
  @ApiProperty({ example: '5 off cola', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(AmountOffDiscountRequest) }, { $ref: getSchemaPath(PercentOffDiscountRequest) }] })
  @IsObject({ message: 'discount must be an object {type, ...}' })
  @ValidateNested()
  @Type(() => UnknownDiscount, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'type',
      subTypes: [
        { value: AmountOffDiscountRequest, name: 'AMOUNT_OFF' },
        { value: PercentOffDiscountRequest, name: 'PERCENT_OFF' },
      ],
    },
  })
  discount!: AmountOffDiscountRequest | PercentOffDiscountRequest;

  @ApiPropertyOptional({ default: 0, description: 'minor units' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_MONEY)
  minSpend?: number;

  @ApiPropertyOptional({ type: CouponTargetRequest, description: 'empty or absent: the whole order' })
  @IsOptional() @IsObject({ message: 'target must be an object {skus?, categories?, brands?}' }) @ValidateNested() @Type(() => CouponTargetRequest)
  target?: CouponTargetRequest;

  @ApiPropertyOptional({ type: [String], description: 'empty or absent: every store' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @Matches(ID_PATTERN, { each: true, message: 'each storeId must be 1..64 printable characters without spaces' })
  storeIds?: string[];

  @ApiProperty({ example: 100, minimum: 1 })
  @IsInt() @Min(1) @Max(100_000_000)
  totalQuantity!: number;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  perUserLimit?: number;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', nullable: true })
  @IsOptional() @IsApiTimestamp()
  claimableFrom?: string | null;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z', nullable: true })
  @IsOptional() @IsApiTimestamp()
  claimableUntil?: string | null;

  @ApiPropertyOptional({ example: 30, minimum: 1, maximum: 3650, description: 'a claim is valid this many days; exclusive with validUntil' })
  @IsOptional() @IsInt() @Min(1) @Max(3650)
  validDaysAfterClaim?: number | null;

  @ApiPropertyOptional({ example: '2027-01-31T23:59:59Z', nullable: true, description: 'claims are valid until then; exclusive with validDaysAfterClaim' })
  @IsOptional() @IsApiTimestamp()
  validUntil?: string | null;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional() @IsInt() @Min(-1_000_000) @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ example: 50, minimum: 1, nullable: true, description: 'at most this many claims a day (in timeZone); absent: no daily cap' })
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000)
  dailyQuantity?: number | null;

  @ApiPropertyOptional({ example: 1, minimum: 1, nullable: true, description: 'at most this many claims per user a day (in timeZone); absent: no cap' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  perUserDailyLimit?: number | null;

  @ApiPropertyOptional({ example: 'Asia/Shanghai', default: DEFAULT_COUPON_TIME_ZONE, description: 'IANA time zone the daily caps count days in' })
  @IsOptional() @IsString() @IsTimeZone()
  timeZone?: string;
}

/**
 * Rules between fields and against the clock, checked after each field is valid on its own: a coupon that could
 * never be claimed or used is refused, naming the field.
 */
export function couponCrossFieldProblems(dto: CreateCouponRequest, now = Date.now()): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const from = parseApiTimestamp(dto.claimableFrom) ?? undefined;
  const until = parseApiTimestamp(dto.claimableUntil) ?? undefined;
  const validUntil = parseApiTimestamp(dto.validUntil) ?? undefined;
  if (until !== undefined && until <= now) {
    problems.push({ field: 'claimableUntil', message: 'claimableUntil is in the past: the coupon could never be claimed' });
  }
  if (from !== undefined && until !== undefined && from > until) {
    problems.push({ field: 'claimableFrom', message: 'claimableFrom must not be after claimableUntil' });
  }
  if (dto.validDaysAfterClaim != null && dto.validUntil != null) {
    problems.push({ field: 'validUntil', message: 'give validDaysAfterClaim or validUntil, not both' });
  }
  if (validUntil !== undefined && validUntil <= now) {
    problems.push({ field: 'validUntil', message: 'validUntil is in the past: a claim could never be used' });
  } else if (validUntil !== undefined && from !== undefined && validUntil < from) {
    problems.push({ field: 'validUntil', message: 'validUntil must not be before claimableFrom' });
  }
  return problems;
}

export class CouponTargetView {
  @ApiPropertyOptional({ type: [String] }) skus?: string[];
  @ApiPropertyOptional({ type: [String] }) categories?: string[];
  @ApiPropertyOptional({ type: [String] }) brands?: string[];
}

/** The coupon as merchants see it (contracts CouponAdminView). */
export class CouponResponse {
  @ApiProperty() couponId!: string;
  @ApiProperty({ description: 'the merchant owning the coupon' }) merchantId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(AmountOffDiscountRequest) }, { $ref: getSchemaPath(PercentOffDiscountRequest) }] })
  discount!: AmountOffDiscountRequest | PercentOffDiscountRequest;
  @ApiProperty() minSpend!: number;
  @ApiProperty({ type: CouponTargetView }) target!: CouponTargetView;
  @ApiProperty({ type: [String] }) storeIds!: string[];
  @ApiProperty() totalQuantity!: number;
  @ApiProperty() perUserLimit!: number;
  @ApiProperty({ nullable: true, type: String }) claimableFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) claimableUntil!: string | null;
  @ApiProperty({ nullable: true, type: Number }) validDaysAfterClaim!: number | null;
  @ApiProperty({ nullable: true, type: String }) validUntil!: string | null;
  @ApiProperty() priority!: number;
  @ApiProperty({ nullable: true, type: Number }) dailyQuantity!: number | null;
  @ApiProperty({ nullable: true, type: Number }) perUserDailyLimit!: number | null;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ enum: COUPON_STATUSES }) status!: CouponStatus;
  @ApiProperty() issued!: number;
  @ApiProperty() redeemed!: number;
  @ApiProperty() createdAt!: string;
}
