import {
  CommandOutcomeQuery, Envelope, GetOrderQuery, ListOrdersQuery, OrderListView, OrderView, Queries, encodeOrderCursor,
} from '@coupons/contracts';
import { answerQuery, findCommandOutcome, parseQuery } from '@coupons/messaging';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, In } from 'typeorm';
import { CustomerOrderEntity, OrderLineEntity } from './entities';
import { orderSummaryView, orderView } from './order-view';

/** Read-only request/reply queries over Kafka. */
@Controller()
export class OrderingQueriesController {
  constructor(private readonly dataSource: DataSource, private readonly logger: PinoLogger) {
    logger.setContext(OrderingQueriesController.name);
  }

  private readonly logError = (err: unknown) => this.logger.error({ err }, 'query failed');

  /** The order, only for its owner: another user's order is "not found", not "forbidden" (no existence leak). */
  @MessagePattern(Queries.getOrder)
  getOrder(@Payload() data: unknown) {
    return answerQuery<OrderView>(async () => {
      const parsed = parseQuery(GetOrderQuery, data);
      if (!parsed.ok) return parsed.reply;
      const { orderId, userId } = parsed.query;
      const order = await this.dataSource.manager.findOneBy(CustomerOrderEntity, { orderId, userId });
      if (!order) return { ok: false, code: 'ORDER_NOT_FOUND', message: `no order ${orderId}` };
      const lines = await this.dataSource.manager.findBy(OrderLineEntity, { orderId });
      return { ok: true, value: orderView(order, lines) };
    }, this.logError);
  }

  /** The caller's own orders, newest first; one row more than the page tells whether another page follows. */
  @MessagePattern(Queries.listOrders)
  listOrders(@Payload() data: unknown) {
    return answerQuery<OrderListView>(async () => {
      const parsed = parseQuery(ListOrdersQuery, data);
      if (!parsed.ok) return parsed.reply;
      const { userId, limit, afterProcessedAt, afterOrderId } = parsed.query;
      const query = this.dataSource.manager
        .createQueryBuilder(CustomerOrderEntity, 'o')
        .where('o.user_id = :userId', { userId })
        .orderBy('o.processed_at', 'DESC')
        .addOrderBy('o.order_id', 'DESC')
        .limit(limit + 1);
      if (afterProcessedAt !== undefined && afterOrderId !== undefined) {
        query.andWhere('(o.processed_at, o.order_id) < (:afterProcessedAt, :afterOrderId)', { afterProcessedAt, afterOrderId });
      }
      const rows = await query.getMany();
      const page = rows.slice(0, limit);
      const lines = page.length ? await this.dataSource.manager.findBy(OrderLineEntity, { orderId: In(page.map((o) => o.orderId)) }) : [];
      const last = page[page.length - 1];
      return {
        ok: true,
        value: {
          orders: page.map((o) => orderSummaryView(o, lines.filter((l) => l.orderId === o.orderId))),
          nextCursor: rows.length > limit ? encodeOrderCursor({ processedAt: last.processedAt.toISOString(), orderId: last.orderId }) : null,
        },
      };
    }, this.logError);
  }

  @MessagePattern(Queries.commandOutcome.ordering)
  commandOutcome(@Payload() data: unknown) {
    return answerQuery<Envelope>(async () => {
      const parsed = parseQuery(CommandOutcomeQuery, data);
      if (!parsed.ok) return parsed.reply;
      const outcome = await findCommandOutcome(this.dataSource, parsed.query.commandId);
      return outcome ? { ok: true, value: outcome } : { ok: false, code: 'COMMAND_NOT_FOUND', message: `no outcome for command ${parsed.query.commandId}` };
    }, this.logError);
  }
}
