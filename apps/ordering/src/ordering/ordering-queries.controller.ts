import { CommandOutcomeQuery, Envelope, GetOrderQuery, OrderView, Queries } from '@coupons/contracts';
import { answerQuery, findCommandOutcome, parseQuery } from '@coupons/messaging';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { CustomerOrderEntity, OrderLineEntity } from './entities';
import { orderView } from './order-view';

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
