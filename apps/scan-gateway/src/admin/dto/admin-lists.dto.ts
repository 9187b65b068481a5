import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COUPON_STATUSES, CouponStatus, ID_PATTERN, MAX_ADMIN_PAGE, MAX_LIST_FILTER_LENGTH } from '@coupons/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CouponResponse } from './create-coupon.dto';
import { StoreResponse } from './upsert-store.dto';
import { ProductResponse } from './upsert-product.dto';

export const DEFAULT_ADMIN_PAGE = 20;

/** The paging of every merchant list: query values are strings, so limit is converted here and then checked. */
export class AdminListRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ADMIN_PAGE, default: DEFAULT_ADMIN_PAGE })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(MAX_ADMIN_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'cursor must be a nextCursor from this API' })
  cursor?: string;
}

const FILTER = { minLength: 1, maxLength: MAX_LIST_FILTER_LENGTH };

export class ListStoresRequest extends AdminListRequest {
  @ApiPropertyOptional({ ...FILTER, description: 'case-insensitive substring of name or store id' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH)
  q?: string;
}

export class ListProductsRequest extends AdminListRequest {
  @ApiPropertyOptional({ ...FILTER, description: 'case-insensitive substring of name, sku or gtin (GTIN-14)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH)
  q?: string;

  @ApiPropertyOptional({ ...FILTER, description: 'exactly this category' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH)
  category?: string;

  @ApiPropertyOptional({ ...FILTER, description: 'exactly this brand' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH)
  brand?: string;
}

export class ListCouponsRequest extends AdminListRequest {
  @ApiPropertyOptional({ enum: COUPON_STATUSES })
  @IsOptional() @IsIn(COUPON_STATUSES, { message: `status must be one of ${COUPON_STATUSES.join(', ')}` })
  status?: CouponStatus;

  @ApiPropertyOptional({ description: 'coupons valid at this store: those naming it and those for every store (no storeIds)' })
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: 'storeId must be 1..64 printable characters without spaces' })
  storeId?: string;

  @ApiPropertyOptional({ ...FILTER, description: 'case-insensitive substring of title or couponId' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_LIST_FILTER_LENGTH)
  q?: string;
}

const NEXT_CURSOR = { nullable: true, type: String, description: 'pass as cursor for the next page; null on the last page' };
const CREATED_AT = { description: 'when it was created (its first upsert); the lists are newest first' };

export class StoreListItem extends StoreResponse {
  @ApiProperty(CREATED_AT) createdAt!: string;
}

export class ProductListItem extends ProductResponse {
  @ApiProperty(CREATED_AT) createdAt!: string;
}

export class CouponListItem extends CouponResponse {
  @ApiProperty({ description: 'totalQuantity - issued, never below 0' }) remaining!: number;
}

export class StoreListResponse {
  @ApiProperty({ type: [StoreListItem] }) items!: StoreListItem[];
  @ApiProperty(NEXT_CURSOR) nextCursor!: string | null;
}

export class ProductListResponse {
  @ApiProperty({ type: [ProductListItem] }) items!: ProductListItem[];
  @ApiProperty(NEXT_CURSOR) nextCursor!: string | null;
}

export class CouponListResponse {
  @ApiProperty({ type: [CouponListItem] }) items!: CouponListItem[];
  @ApiProperty(NEXT_CURSOR) nextCursor!: string | null;
}
