import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN } from '@coupons/contracts';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ROLES, Role } from '../roles';

export class DevTokenRequest {
  @ApiProperty({ example: 'u-alice', description: 'becomes the token subject (user id)' })
  @IsString() @Matches(ID_PATTERN, { message: 'userId must be 1..64 printable characters without spaces' })
  userId!: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, default: ['customer'] })
  @IsOptional() @IsArray() @ArrayMaxSize(ROLES.length) @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ example: 'm-acme', description: "a merchant or admin token's merchant id (claim mid); default: userId" })
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: 'merchantId must be 1..64 printable characters without spaces' })
  merchantId?: string;
}

export class DevTokenResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expiresIn!: number;
}
