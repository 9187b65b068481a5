import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AuthUser, RequireRoles } from '../auth/roles';
import { AbuseLimited } from '../abuse/abuse-limits';
import { UserLimitGuard } from '../abuse/abuse-limit.guards';
import { CorrelationId } from '../messaging/correlation';
import { readIdempotencyKey } from '../messaging/idempotency';
import { ListOrdersRequest, OrderListResponse } from './dto/list-orders.dto';
import { OrderIdParam, OrderResponse, PendingOrderResponse, PlaceOrderRequest } from './dto/place-order.dto';
import { OrdersService } from './orders.service';
import { ApiErrorResponses } from '../errors/api-error-responses';

type HeaderMap = Record<string, string | string[] | undefined>;

@ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503)
@ApiTags('terminal')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, UserLimitGuard)
@RequireRoles('customer')
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @AbuseLimited('orders')
  @ApiOperation({ summary: 'Place an order; the best claimed coupon (or the named one, or none) is applied' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiAcceptedResponse({ type: PendingOrderResponse })
  async place(
    @Body() body: PlaceOrderRequest,
    @CurrentUser() user: AuthUser,
    @Headers() headers: HeaderMap,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse | PendingOrderResponse> {
    const answer = await this.orders.place(user.userId, body, { correlationId, idempotencyKey: readIdempotencyKey(headers) });
    reply.status(answer.status);
    return answer.body;
  }

  @Get()
  @ApiOperation({ summary: "The caller's own orders, newest first, cursor-paged" })
  @ApiOkResponse({ type: OrderListResponse })
  list(@Query() query: ListOrdersRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<OrderListResponse> {
    return this.orders.list(user.userId, query, correlationId);
  }

  @Get(':orderId')
  @ApiOperation({ summary: "One of the caller's orders" })
  @ApiOkResponse({ type: OrderResponse })
  get(@Param() { orderId }: OrderIdParam, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<OrderResponse> {
    return this.orders.get(user.userId, orderId, correlationId);
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order; its coupon goes back to AVAILABLE if still valid' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiAcceptedResponse({ type: PendingOrderResponse })
  async cancel(
    @Param() { orderId }: OrderIdParam,
    @CurrentUser() user: AuthUser,
    @Headers() headers: HeaderMap,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse | PendingOrderResponse> {
    const answer = await this.orders.cancel(user.userId, orderId, { correlationId, idempotencyKey: readIdempotencyKey(headers) });
    reply.status(answer.status);
    return answer.body;
  }
}
