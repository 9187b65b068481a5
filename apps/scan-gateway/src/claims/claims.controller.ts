import { Body, Controller, Headers, Post, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AuthUser, RequireRoles } from '../auth/roles';
import { AbuseLimited } from '../abuse/abuse-limits';
import { UserLimitGuard } from '../abuse/abuse-limit.guards';
import { CorrelationId } from '../messaging/correlation';
import { readIdempotencyKey } from '../messaging/idempotency';
import { ClaimsService } from './claims.service';
import { ClaimCouponRequest, ClaimResponse, PendingClaimResponse } from './dto/claim-coupon.dto';
import { ApiErrorResponses } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503)
@ApiTags('terminal')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, UserLimitGuard)
@AbuseLimited('claims')
@RequireRoles('customer')
@Controller('v1/claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Post()
  @ApiOperation({ summary: "Claim a coupon into the caller's wallet (repeat-safe with Idempotency-Key)" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ClaimResponse })
  @ApiAcceptedResponse({ type: PendingClaimResponse, description: 'not decided in time; the outcome reaches the notification stream' })
  @ApiConflictResponse({ description: "OUT_OF_STOCK, LIMIT_REACHED, DAILY_LIMIT_REACHED (the coupon's dailyQuantity or the user's perUserDailyLimit for today in the coupon's timeZone) or NOT_CLAIMABLE" })
  async claim(
    @Body() body: ClaimCouponRequest,
    @CurrentUser() user: AuthUser,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClaimResponse | PendingClaimResponse> {
    const answer = await this.claims.claim(user.userId, body.couponId, { correlationId, idempotencyKey: readIdempotencyKey(headers) });
    reply.status(answer.status);
    return answer.body;
  }
}
