import { Envelope, Topics } from '@coupons/contracts';
import { HandlerOutcome, MessageConsumers, Outcome } from '@coupons/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { orderingProjection } from './ordering.projection';

/**
 * Ordering's Kafka consumer (group "ordering"): catalog and wallet events folded into its projection.
 * Order commands (ordering.commands.v1) are decided by a later change; its own events are applied when decided.
 */
@Injectable()
export class OrderingMessagesService {
  constructor(private readonly dataSource: DataSource, consumers: MessageConsumers) {
    consumers.register({ groupId: SERVICE_NAME, topics: [Topics.catalogEvents, Topics.walletEvents], handle: (env) => this.foldEvent(env) });
  }

  async foldEvent(e: Envelope): Promise<HandlerOutcome> {
    const r = await orderingProjection.fold(this.dataSource, e);
    return r === 'duplicate' ? Outcome.duplicate : r === 'ignored' ? Outcome.ignored(`ordering keeps no ${e.type}`) : Outcome.done;
  }
}
