import { Injectable } from '@nestjs/common';
import {
  CancelOrder, ListOrdersQuery, OrderCancelRejected, OrderListView, OrderProcessed, OrderRejected, OrderView, OrderingCommandTypes, OrderingEventTypes,
  PlaceOrder, Queries, Topics, decodeOrderCursor,
} from '@coupons/contracts';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../errors/api-error';
import { CommandBus, CommandSpec } from '../messaging/command-bus';
import { derivedId, idempotentCommandId, requestFingerprint } from '../messaging/idempotency';
import { refusal } from '../messaging/outcome-errors';
import { QueryClient } from '../messaging/query-client';
import { UserPositions } from '../messaging/user-positions';
import { DEFAULT_ORDER_PAGE, ListOrdersRequest } from './dto/list-orders.dto';
import { PendingOrderResponse, PlaceOrderRequest } from './dto/place-order.dto';

export type OrderAnswer = { status: 200 | 201; body: OrderView } | { status: 202; body: PendingOrderResponse };
interface RequestContext {
  correlationId: string;
  idempotencyKey?: string;
}

/** HTTP status of each order refusal (DESIGN §4: unknown sku/store 422, an inapplicable coupon 409). */
const ORDER_REFUSAL_STATUS: Record<string, number> = {
  UNKNOWN_SKU: 422, UNKNOWN_STORE: 422, CURRENCY_MISMATCH: 422, ORDER_TOO_LARGE: 422, COUPON_NOT_APPLICABLE: 409, ORDER_NOT_FOUND: 404, ALREADY_CANCELLED: 409,
};

/**
 * Orders: PlaceOrder / CancelOrder keyed by userId (one serial writer spends a user's coupons). Prices come from
 * ordering's catalog projection, never from the terminal.
 */
@Injectable()
export class OrdersService {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryClient, private readonly positions: UserPositions) {}

  async place(userId: string, body: PlaceOrderRequest, ctx: RequestContext): Promise<OrderAnswer> {
    const route = 'POST /v1/orders';
    const commandId = ctx.idempotencyKey ? idempotentCommandId(route, userId, ctx.idempotencyKey) : undefined;
    const orderId = commandId ? derivedId('ord_', commandId) : `ord_${randomBytes(12).toString('hex')}`;
    const payload: PlaceOrder = {
      orderId, userId, storeId: body.storeId, items: body.items.map((i) => ({ sku: i.sku, quantity: i.quantity })), requestedAt: new Date().toISOString(),
    };
    // undefined: best coupon; null: none; a string: that one (PlaceOrder keeps the three apart).
    if (body.couponId !== undefined) payload.couponId = body.couponId;
    const seen = this.positions.mustHaveSeen(userId);
    if (seen.length) payload.mustHaveSeen = seen;
    const requestHash = commandId ? requestFingerprint(route, userId, body) : undefined;
    const { outcome } = await this.commands.execute({ ...this.spec(OrderingCommandTypes.placeOrder, userId, payload, ctx, commandId), requestHash });
    if (!outcome) return { status: 202, body: { orderId, status: 'PENDING' } };
    const env = outcome.envelope;
    if (env.type === OrderingEventTypes.orderRejected) {
      const r = env.payload as OrderRejected;
      throw refusal(r.code, r.message, r.details ?? [], ORDER_REFUSAL_STATUS[r.code]);
    }
    if (env.type !== OrderingEventTypes.orderProcessed) throw new Error(`unexpected outcome ${env.type} for PlaceOrder ${orderId}`);
    const o = env.payload as OrderProcessed;
    return {
      status: 201,
      body: {
        orderId: o.orderId, status: 'PROCESSED', storeId: o.storeId,
        items: o.items.map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice, lineTotal: i.lineTotal })),
        subtotal: o.subtotal, discount: o.discount, total: o.total, currency: o.currency,
        appliedCoupon: o.appliedCoupon ? { claimId: o.appliedCoupon.claimId, couponId: o.appliedCoupon.couponId, title: o.appliedCoupon.title } : null,
      },
    };
  }

  async get(userId: string, orderId: string, correlationId: string): Promise<OrderView> {
    const reply = await this.queries.query<OrderView>(Queries.getOrder, { orderId, userId }, correlationId);
    if (!reply.ok) throw refusal(reply.code, reply.message);
    // Ownership is the ordering service's check (userId is part of the query); null means none of the caller's.
    if (!reply.value) throw ApiError.notFound('ORDER_NOT_FOUND', `no order ${orderId}`);
    return reply.value;
  }

  async list(userId: string, request: ListOrdersRequest, correlationId: string): Promise<OrderListView> {
    const query: ListOrdersQuery = { userId, limit: request.limit ?? DEFAULT_ORDER_PAGE };
    if (request.cursor !== undefined) {
      const after = decodeOrderCursor(request.cursor);
      if (!after) throw ApiError.validation([{ field: 'cursor', message: 'cursor must be a nextCursor from this API' }]);
      query.afterProcessedAt = after.processedAt;
      query.afterOrderId = after.orderId;
    }
    const reply = await this.queries.query<OrderListView>(Queries.listOrders, query, correlationId);
    if (!reply.ok) throw refusal(reply.code, reply.message);
    return reply.value;
  }

  async cancel(userId: string, orderId: string, ctx: RequestContext): Promise<OrderAnswer> {
    const commandId = ctx.idempotencyKey ? idempotentCommandId(`POST /v1/orders/${orderId}/cancel`, userId, ctx.idempotencyKey) : undefined;
    const payload: CancelOrder = { orderId, userId, requestedAt: new Date().toISOString() };
    const { outcome } = await this.commands.execute(this.spec(OrderingCommandTypes.cancelOrder, userId, payload, ctx, commandId));
    if (!outcome) return { status: 202, body: { orderId, status: 'PENDING' } };
    const env = outcome.envelope;
    if (env.type === OrderingEventTypes.cancelRejected) {
      const r = env.payload as OrderCancelRejected;
      throw refusal(r.code, r.message, [], ORDER_REFUSAL_STATUS[r.code]);
    }
    if (env.type !== OrderingEventTypes.orderCancelled) throw new Error(`unexpected outcome ${env.type} for CancelOrder ${orderId}`);
    // Ordering folds the cancellation before publishing it, so the view already says CANCELLED.
    return { status: 200, body: await this.get(userId, orderId, ctx.correlationId) };
  }

  private spec<T extends object>(type: string, userId: string, payload: T, ctx: RequestContext, commandId?: string): CommandSpec<T> {
    return {
      topic: Topics.orderingCommands, type, key: userId, payload, correlationId: ctx.correlationId, commandId,
      outcomeQuery: { pattern: Queries.commandOutcome.ordering, topic: Topics.orderingEvents },
    };
  }
}
