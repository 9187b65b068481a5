import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class UpsertStoreRequest {
  @ApiProperty({ example: 'Downtown Market', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;
}

export class StoreResponse {
  @ApiProperty() storeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the merchant owning the store' }) merchantId!: string;
}
