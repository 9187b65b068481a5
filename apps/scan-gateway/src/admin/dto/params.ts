import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { IsString, Matches } from 'class-validator';

const ID_MESSAGE = (name: string) => `${name} must be 1..64 printable characters without spaces`;

export class StoreIdParam {
  @ApiProperty({ example: 'store-1' }) @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('storeId') }) storeId!: string;
}

export class SkuParam {
  @ApiProperty({ example: 'sku-cola-330' }) @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('sku') }) sku!: string;
}

export class CouponIdParam {
  @ApiProperty({ example: 'cpn_3f2a9c' }) @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('couponId') }) couponId!: string;
}
