import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queries, Topics } from '@coupons/contracts';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { merchantOf } from '../auth/merchant';
import { AuthUser, RequireRoles, merchantScope } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { derivedId, idempotentCommandId, readIdempotencyKey, requestFingerprint } from '../messaging/idempotency';
import { AdminListsService } from './admin-lists.service';
import { CatalogAdminService } from './catalog-admin.service';
import { CouponListResponse, ListCouponsRequest } from './dto/admin-lists.dto';
import { CouponResponse, CreateCouponRequest } from './dto/create-coupon.dto';
import { UpdateCouponRequest } from './dto/update-coupon.dto';
import { CouponIdParam } from './dto/params';
import { ApiErrorResponses, ApiRefusals, NOT_YOURS } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 403, 404, 413, 415, 503, {
  404: `COUPON_NOT_FOUND (read or change); on create, STORE_NOT_FOUND (storeIds[i]) or PRODUCT_NOT_FOUND (target.skus[i]) for a store or sku not the merchant's: ${NOT_YOURS}`,
})
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@RequireRoles('merchant', 'admin')
@Controller('v1/admin/coupons')
export class AdminCouponsController {
  constructor(private readonly admin: CatalogAdminService, private readonly lists: AdminListsService) {}

  @Get()
  @ApiOperation({ summary: "The merchant's own coupons, newest first, cursor-paged, each with issued, redeemed and remaining" })
  @ApiOkResponse({ type: CouponListResponse })
  list(@Query() query: ListCouponsRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<CouponListResponse> {
    return this.lists.coupons(merchantOf(user), query, correlationId);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a coupon; the gateway assigns couponId (with an Idempotency-Key, the same one on every repeat)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CouponResponse })
  create(
    @Body() body: CreateCouponRequest,
    @CurrentUser() user: AuthUser,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @CorrelationId() correlationId: string,
  ): Promise<CouponResponse> {
    const key = readIdempotencyKey(headers);
    const scope = merchantScope(user);
    if (!key) return this.admin.createCoupon(body, scope, { correlationId });
    const route = 'POST /v1/admin/coupons';
    const commandId = idempotentCommandId(route, user.userId, key);
    return this.admin.createCoupon(body, scope, {
      correlationId, commandId, couponId: derivedId('cpn_', commandId), requestHash: requestFingerprint(route, user.userId, body),
      outcomeQuery: { pattern: Queries.commandOutcome.catalog, topic: Topics.catalogEvents },
    });
  }


  @Get(':couponId')
  @ApiOperation({ summary: "One of the merchant's coupons with its issued and redeemed counts (another merchant's is 404)" })
  @ApiOkResponse({ type: CouponResponse })
  get(@Param() { couponId }: CouponIdParam, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<CouponResponse> {
    return this.admin.getCoupon(couponId, merchantScope(user), correlationId);
  }

  @Patch(':couponId')
  @ApiOperation({
    summary: 'Change what can safely change: title, priority, claimableUntil (later only), perUserLimit (up only), totalQuantity (not below issued), '
      + 'status ACTIVE / PAUSED / ENDED (ENDED is final). Pausing or ending leaves claimed coupons usable until their validity.',
  })
  @ApiOkResponse({ type: CouponResponse })
  @ApiRefusals(409, 'BELOW_ISSUED (totalQuantity below the issued count), COUPON_ENDED (the coupon is ENDED, which is final)')
  @ApiRefusals(422, 'CLAIMABLE_UNTIL_EARLIER (claimableUntil earlier than the current one), LIMIT_LOWERED (perUserLimit below the current one)')
  update(
    @Param() { couponId }: CouponIdParam, @Body() body: UpdateCouponRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string,
  ): Promise<CouponResponse> {
    return this.admin.updateCoupon(couponId, body, merchantScope(user), { correlationId });
  }
}
