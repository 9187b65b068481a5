import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

export class DisplayItemRequest {
  @ApiProperty({ example: 'sku-cola-330' })
  @IsString() @Matches(ID_PATTERN, { message: 'sku must be 1..64 printable characters without spaces' })
  sku!: string;

  @ApiProperty({ example: 'Summer special', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  headline!: string;
}

export class SetDisplaysRequest {
  @ApiProperty({ type: [DisplayItemRequest], maxItems: 100 })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DisplayItemRequest)
  items!: DisplayItemRequest[];
}

export class DisplaysResponse {
  @ApiProperty() storeId!: string;
  @ApiProperty({ type: [DisplayItemRequest] }) items!: DisplayItemRequest[];
}
