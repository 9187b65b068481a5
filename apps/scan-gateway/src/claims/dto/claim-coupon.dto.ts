import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { IsString, Matches } from 'class-validator';

export class ClaimCouponRequest {
  @ApiProperty({ example: 'cpn_3f2a9c' })
  @IsString() @Matches(ID_PATTERN, { message: 'couponId must be 1..64 printable characters without spaces' })
  couponId!: string;
}

export class ClaimResponse {
  @ApiProperty() claimId!: string;
  @ApiProperty() couponId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['AVAILABLE'] }) status!: 'AVAILABLE';
  @ApiProperty() claimedAt!: string;
  @ApiProperty({ nullable: true, type: String }) validUntil!: string | null;
}

/** 202: the claim was accepted for decision but its outcome did not arrive in time; it will reach the stream. */
export class PendingClaimResponse {
  @ApiProperty() claimId!: string;
  @ApiProperty() couponId!: string;
  @ApiProperty({ enum: ['PENDING'] }) status!: 'PENDING';
}
