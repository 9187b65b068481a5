import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CURRENCY_PATTERN, MAX_MONEY } from '@coupons/contracts';
import { isValidGtin } from '@coupons/coupon-rules';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';

/** A GTIN-8/12/13/14 with a correct check digit (normalized to GTIN-14 before it leaves the gateway). */
export function IsGtin() {
  return ValidateBy({
    name: 'isGtin',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidGtin(value),
      defaultMessage: (args) => `${args?.property ?? 'gtin'} must be a GTIN-8, -12, -13 or -14 with a valid check digit`,
    },
  });
}

export class UpsertProductRequest {
  @ApiProperty({ example: 'Cola 330 ml', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 350, description: 'minor units (fen), integer >= 0' })
  @IsInt() @Min(0) @Max(MAX_MONEY)
  price!: number;

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY' })
  @IsOptional() @IsString() @Matches(CURRENCY_PATTERN, { message: 'currency must be a 3-letter upper-case ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({ example: '6901234567892', description: 'GTIN-8/12/13/14 with a valid check digit; stored as GTIN-14' })
  @IsOptional() @IsString() @IsGtin()
  gtin?: string | null;

  @ApiPropertyOptional({ example: 'drinks', maxLength: 64 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64)
  category?: string | null;

  @ApiPropertyOptional({ example: 'ColaCo', maxLength: 64 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64)
  brand?: string | null;
}

export class ProductResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() price!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String, description: 'GTIN-14' }) gtin!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: String }) brand!: string | null;
  @ApiProperty({ description: 'the merchant owning the product' }) merchantId!: string;
}
