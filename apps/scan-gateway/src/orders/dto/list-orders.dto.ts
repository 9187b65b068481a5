import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_ORDER_PAGE } from '@coupons/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { OrderResponse } from './place-order.dto';

export const DEFAULT_ORDER_PAGE = 20;

/** GET /v1/orders query string: query values are strings, so limit is converted here and then checked as an integer. */
export class ListOrdersRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ORDER_PAGE, default: DEFAULT_ORDER_PAGE })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(MAX_ORDER_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'cursor must be a nextCursor from this API' })
  cursor?: string;
}

export class OrderSummaryResponse extends OrderResponse {
  @ApiProperty() processedAt!: string;
  @ApiProperty({ nullable: true, type: String }) cancelledAt!: string | null;
}

export class OrderListResponse {
  @ApiProperty({ type: [OrderSummaryResponse] }) orders!: OrderSummaryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as cursor for the next page; null on the last page' }) nextCursor!: string | null;
}
