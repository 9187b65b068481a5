import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Queries, WalletView } from '@coupons/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AuthUser, RequireRoles } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { refusal } from '../messaging/outcome-errors';
import { QueryClient } from '../messaging/query-client';
import { ScanReadModel } from '../scans/scan-read-model';
import { ApiErrorResponses } from '../errors/api-error-responses';

class WalletCouponResponse {
  @ApiProperty() claimId!: string;
  @ApiProperty() couponId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) discount!: object;
  @ApiProperty({ enum: ['AVAILABLE', 'REDEEMED', 'EXPIRED'] }) status!: string;
  @ApiProperty() claimedAt!: string;
  @ApiProperty({ nullable: true, type: String }) validUntil!: string | null;
  @ApiPropertyOptional() orderId?: string;
  @ApiPropertyOptional({ type: [String], description: 'where it applies: empty means every store' }) storeIds?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'what it applies to: empty means the whole order' }) target?: object;
  @ApiPropertyOptional() minSpend?: number;
}

class WalletResponse {
  @ApiProperty({ type: [WalletCouponResponse] }) coupons!: WalletCouponResponse[];
}

@ApiErrorResponses(401, 403, 503)
@ApiTags('terminal')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@RequireRoles('customer')
@Controller('v1/wallet')
export class WalletController {
  constructor(private readonly queries: QueryClient, private readonly catalog: ScanReadModel) {}

  @Get()
  @ApiOperation({ summary: "The caller's claimed coupons (only their own)" })
  @ApiOkResponse({ type: WalletResponse })
  async wallet(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<WalletView> {
    const reply = await this.queries.query<WalletView>(Queries.getWallet, { userId: user.userId }, correlationId);
    if (!reply.ok) {
      // A user who never claimed has an empty wallet, not a missing one.
      if (reply.code.endsWith('_NOT_FOUND')) return { coupons: [] };
      throw refusal(reply.code, reply.message);
    }
    // Where each coupon applies comes from the gateway's catalog read model (the wallet keeps claims, not terms).
    return { coupons: (reply.value?.coupons ?? []).map((c) => ({ ...c, ...(this.catalog.model.couponScope(c.couponId) ?? {}) })) };
  }
}
