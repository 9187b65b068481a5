import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';

const ID_MESSAGE = (name: string) => `${name} must be 1..64 printable characters without spaces`;

export class OrderLineRequest {
  @ApiProperty({ example: 'sku-cola' })
  @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('sku') })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 999 })
  @IsInt() @Min(1) @Max(999)
  quantity!: number;
}

export class PlaceOrderRequest {
  @ApiProperty({ example: 'store-1' })
  @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('storeId') })
  storeId!: string;

  @ApiProperty({ type: [OrderLineRequest], minItems: 1, maxItems: 200 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => OrderLineRequest)
  items!: OrderLineRequest[];

  @ApiPropertyOptional({
    nullable: true, type: String,
    description: 'absent: the best claimed coupon is applied; null: none; a couponId: that one, or 409 COUPON_NOT_APPLICABLE',
  })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('couponId') })
  couponId?: string | null;
}

export class OrderIdParam {
  @ApiProperty({ example: 'ord_5d1c' })
  @IsString() @Matches(ID_PATTERN, { message: ID_MESSAGE('orderId') })
  orderId!: string;
}

export class PricedLineResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPrice!: number;
  @ApiProperty() lineTotal!: number;
}

export class AppliedCouponResponse {
  @ApiProperty() claimId!: string;
  @ApiProperty() couponId!: string;
  @ApiProperty() title!: string;
}

export class OrderResponse {
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ['PROCESSED', 'CANCELLED'] }) status!: 'PROCESSED' | 'CANCELLED';
  @ApiProperty() storeId!: string;
  @ApiProperty({ type: [PricedLineResponse] }) items!: PricedLineResponse[];
  @ApiProperty() subtotal!: number;
  @ApiProperty() discount!: number;
  @ApiProperty() total!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: AppliedCouponResponse, nullable: true }) appliedCoupon!: AppliedCouponResponse | null;
}

/** 202: accepted but not decided in time; the outcome reaches the notification stream and GET /v1/orders/{id}. */
export class PendingOrderResponse {
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ['PENDING'] }) status!: 'PENDING';
}
