import { Envelope, Topics } from '@coupons/contracts';
import { HandlerOutcome, MessageConsumers, Outcome } from '@coupons/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { walletProjection } from './wallet.projection';

/**
 * The wallet's Kafka consumer (group "wallet"): catalog and ordering events folded into its projection.
 * Claim commands (wallet.commands.v1) are decided by a later change; its own events are applied when decided.
 */
@Injectable()
export class WalletMessagesService {
  constructor(private readonly dataSource: DataSource, consumers: MessageConsumers) {
    consumers.register({ groupId: SERVICE_NAME, topics: [Topics.catalogEvents, Topics.orderingEvents], handle: (env) => this.foldEvent(env) });
  }

  async foldEvent(e: Envelope): Promise<HandlerOutcome> {
    const r = await walletProjection.fold(this.dataSource, e);
    return r === 'duplicate' ? Outcome.duplicate : r === 'ignored' ? Outcome.ignored(`wallet keeps no ${e.type}`) : Outcome.done;
  }
}
