import { ApiPropertyOptional } from '@nestjs/swagger';
import { COUPON_STATUSES, CouponStatus, ErrorDetail, IsApiTimestamp } from '@coupons/contracts';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/**
 * PATCH /v1/admin/coupons/{couponId}: what can safely change after creation; absent fields stay as they are.
 * totalQuantity and perUserLimit are the wallet's (decided in order with the coupon's claims), the others the
 * catalog's. A coupon's discount, target, stores and validity never change: its claims were made under them.
 */
export class UpdateCouponRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ minimum: -1_000_000, maximum: 1_000_000 })
  @IsOptional() @IsInt() @Min(-1_000_000) @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z', description: 'only later than the current one (422 CLAIMABLE_UNTIL_EARLIER)' })
  @IsOptional() @IsApiTimestamp()
  claimableUntil?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'only up (422 LIMIT_LOWERED)' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  perUserLimit?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000_000, description: 'up, or down to no less than issued (409 BELOW_ISSUED)' })
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000)
  totalQuantity?: number;

  @ApiPropertyOptional({ enum: COUPON_STATUSES, description: 'ENDED is final: an ended coupon changes no more (409 COUPON_ENDED)' })
  @IsOptional() @IsIn(COUPON_STATUSES, { message: 'status must be ACTIVE, PAUSED or ENDED' })
  status?: CouponStatus;
}

export const COUPON_EDIT_FIELDS = ['title', 'priority', 'claimableUntil', 'perUserLimit', 'totalQuantity', 'status'] as const;

/** An empty PATCH changes nothing and is surely a mistake: at least one field. */
export function updateCouponProblems(dto: UpdateCouponRequest): ErrorDetail[] {
  return COUPON_EDIT_FIELDS.some((f) => dto[f] !== undefined)
    ? []
    : [{ message: `give at least one of ${COUPON_EDIT_FIELDS.join(', ')}` }];
}
