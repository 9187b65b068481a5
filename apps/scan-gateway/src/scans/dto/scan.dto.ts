import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { MAX_SCAN_CODE_LENGTH } from '@coupons/coupon-rules';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class ScanRequest {
  @ApiProperty({
    example: '6901234567892',
    description: 'what the camera read: GTIN-8/12/13/14, a GS1 Digital Link URI, or a store QR https://host/s/<storeId>[?gtin=|sku=]',
  })
  @IsString() @MinLength(1) @MaxLength(MAX_SCAN_CODE_LENGTH)
  code!: string;

  @ApiPropertyOptional({ example: 'store-1', description: "the terminal's store; a store QR's store must agree with it" })
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: 'storeId must be 1..64 printable characters without spaces' })
  storeId?: string;
}

export class OfferTargetView {
  @ApiPropertyOptional({ type: [String] }) skus?: string[];
  @ApiPropertyOptional({ type: [String] }) categories?: string[];
  @ApiPropertyOptional({ type: [String] }) brands?: string[];
}

export class ScanProductView {
  @ApiProperty() sku!: string;
  @ApiProperty({ nullable: true, type: String }) gtin!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() price!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'whose product it is: GTINs and skus are unique within a merchant only' }) merchantId!: string;
}

export class OfferResponse {
  @ApiProperty() couponId!: string;
  @ApiProperty({ description: 'the merchant offering the coupon (a scan without a store may show several merchants)' }) merchantId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{type: AMOUNT_OFF, amount} or {type: PERCENT_OFF, percent, maxDiscount?}' })
  discount!: object;
  @ApiProperty() minSpend!: number;
  @ApiProperty({ type: OfferTargetView }) target!: OfferTargetView;
  @ApiProperty({ type: [String] }) storeIds!: string[];
  @ApiProperty({ nullable: true, type: String }) claimableUntil!: string | null;
  @ApiProperty() remaining!: number;
  @ApiProperty() matchScore!: number;
}

export class DisplayView {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() headline!: string;
  @ApiProperty() price!: number;
  @ApiProperty() currency!: string;
}

export class ScanResponse {
  @ApiProperty({ type: ScanProductView, nullable: true }) product!: ScanProductView | null;
  @ApiProperty({ nullable: true, type: String }) storeId!: string | null;
  @ApiProperty({ type: [OfferResponse] }) coupons!: OfferResponse[];
  @ApiProperty({ type: OfferResponse, nullable: true }) best!: OfferResponse | null;
  @ApiProperty({ type: [DisplayView] }) displays!: DisplayView[];
}
