import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COUPON_STATUSES, CouponStatus, ID_PATTERN, MAX_ADMIN_PAGE } from '@coupons/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CouponResponse } from './create-coupon.dto';
import { ProductResponse } from './upsert-product.dto';
import { StoreResponse } from './upsert-store.dto';

export const DEFAULT_ADMIN_PAGE = 20;

/** The query string of every merchant list: query values are strings, so limit is converted, then checked as an integer. */
export class AdminListRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ADMIN_PAGE, default: DEFAULT_ADMIN_PAGE })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(MAX_ADMIN_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor from this API' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'case-insensitive substring' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  q?: string;
}

export class ListStoresRequest extends AdminListRequest {}

export class ListProductsRequest extends AdminListRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(64) category?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(64) brand?: string;
}

export class ListCouponsRequest extends AdminListRequest {
  @ApiPropertyOptional({ enum: COUPON_STATUSES }) @IsOptional() @IsIn(COUPON_STATUSES) status?: CouponStatus;
  @ApiPropertyOptional({ description: 'coupons valid in this store (naming it, or valid in every store)' })
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: 'storeId must be 1..64 printable characters without spaces' })
  storeId?: string;
}

export class StoreListItem extends StoreResponse {
  @ApiProperty({ nullable: true, type: String, description: 'null for a store created before creation times were recorded' }) createdAt!: string | null;
}

export class ProductListItem extends ProductResponse {
  @ApiProperty({ nullable: true, type: String }) createdAt!: string | null;
}

export class CouponListItem extends CouponResponse {
  @ApiProperty({ description: 'totalQuantity - issued' }) remaining!: number;
}

const nextCursor = { nullable: true, type: String, description: 'pass as cursor for the next page; null on the last page' } as const;

export class StoreListResponse {
  @ApiProperty({ type: [StoreListItem] }) items!: StoreListItem[];
  @ApiProperty(nextCursor) nextCursor!: string | null;
}

export class ProductListResponse {
  @ApiProperty({ type: [ProductListItem] }) items!: ProductListItem[];
  @ApiProperty(nextCursor) nextCursor!: string | null;
}

export class CouponListResponse {
  @ApiProperty({ type: [CouponListItem] }) items!: CouponListItem[];
  @ApiProperty(nextCursor) nextCursor!: string | null;
}
