import { Envelope, Topics } from '@coupons/contracts';
import { BatchMessage, HandlerOutcome, MessageConsumers, Outcome, appendToOutbox, handleOnce, isUniqueViolation } from '@coupons/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { catalogProjection, CATALOG_COMMANDS_CONSUMER } from './catalog.projection';
import { catalogStateOf } from './catalog-state';
import { decideCatalogCommand, isCatalogCommand } from './decisions';

/** Consumer group of the catalog's commands (merchant writes, answered while the merchant waits). */
export const CATALOG_COMMANDS_GROUP = `${SERVICE_NAME}-commands`;

/**
 * The catalog's Kafka consumers, in two groups (kafkajs's assigner assumes every member of a group subscribes to the
 * same topics):
 * - `coupon-catalog-commands`: its commands, each decided as it comes (partitions in parallel);
 * - `coupon-catalog`: the wallet/ordering events it folds into issued/redeemed counts. Every claim and order brings one
 *   and nobody waits on these counts (scans take `remaining` from the gateway's own fold of wallet events), so this
 *   group waits longer for full fetches than the other services' folds.
 */
@Injectable()
export class CatalogMessagesService {
  constructor(private readonly dataSource: DataSource, consumers: MessageConsumers) {
    consumers.register({
      groupId: CATALOG_COMMANDS_GROUP,
      topics: [Topics.catalogCommands],
      handle: (env) => this.handleCommand(env),
      // Commands on different skus (partitions) decided in parallel.
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({
      groupId: SERVICE_NAME,
      topics: [Topics.walletEvents, Topics.orderingEvents],
      handle: (env) => this.foldEvent(env),
      handleBatch: (messages) => this.foldEvents(messages),
      // Partitions in parallel, each still in order: the issued/redeemed folds of one partition need not wait for
      // another's.
      partitionsConsumedConcurrently: 3,
      // Up to 64 KiB (about a hundred events) or 250 ms per fetch: runs of tens of events per transaction.
      fetch: { minBytes: 64 * 1024, maxWaitMs: 250 },
    });
  }

  /**
   * Decides a command once: in ONE transaction, records the command id, applies the resulting events with the
   * projection's folds (which also store the outcome for commandOutcome) and appends them to the outbox.
   */
  async handleCommand(cmd: Envelope, now = new Date()): Promise<HandlerOutcome> {
    if (!isCatalogCommand(cmd.type)) return Outcome.failed(new Error(`${cmd.type} is not a catalog command`));
    try {
      return await this.decideOnce(cmd, now);
    } catch (err) {
      // Another instance took the GTIN between our read and our write (commands on different skus run in parallel):
      // deciding again reads the new holder and refuses with GTIN_IN_USE instead of dead-lettering the command.
      if (isUniqueViolation(err, 'product_gtin_key')) return Outcome.retry(err as Error);
      throw err;
    }
  }

  private async decideOnce(cmd: Envelope, now: Date): Promise<HandlerOutcome> {
    const r = await handleOnce(this.dataSource, CATALOG_COMMANDS_CONSUMER, cmd, async (em) => {
      const events = await decideCatalogCommand(cmd, catalogStateOf(em), now);
      for (const e of events) {
        await catalogProjection.applyOnce(em, e);
        await appendToOutbox(em, Topics.catalogEvents, e);
      }
      return events;
    });
    return r.duplicate ? Outcome.duplicate : Outcome.done;
  }

  /** Folds a wallet/ordering event once (types the catalog does not keep are ignored). */
  async foldEvent(e: Envelope): Promise<HandlerOutcome> {
    return (await catalogProjection.consume(this.dataSource, [e]))[0];
  }

  /** A run of wallet/ordering events of one partition folded in one transaction (a batch is one topic-partition). */
  foldEvents(messages: BatchMessage[]): Promise<HandlerOutcome[]> {
    return catalogProjection.consume(this.dataSource, messages.map((m) => m.envelope));
  }
}
