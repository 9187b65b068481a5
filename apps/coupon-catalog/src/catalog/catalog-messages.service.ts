import { Envelope, Topics } from '@coupons/contracts';
import { BatchMessage, CommandPipeline, HandlerOutcome, MessageConsumers } from '@coupons/messaging';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { catalogProjection } from './catalog.projection';
import { catalogStateOf } from './catalog-state';
import { CatalogState, decideCatalogCommand, isCatalogCommand } from './decisions';

/** Consumer group of the catalog's commands (merchant writes, answered while the merchant waits). */
export const CATALOG_COMMANDS_GROUP = `${SERVICE_NAME}-commands`;

/**
 * The catalog's Kafka consumers, in two groups (kafkajs's assigner assumes every member of a group subscribes to the
 * same topics):
 * - `coupon-catalog-commands`: its commands, through the decision pipeline (partitions in parallel);
 * - `coupon-catalog`: the wallet/ordering events it folds into issued/redeemed counts. Every claim and order brings one
 *   and nobody waits on these counts (scans take `remaining` from the gateway's own fold of wallet events), so this
 *   group waits longer for full fetches than the other services' folds.
 */
@Injectable()
export class CatalogMessagesService {
  /** The one decision path of catalog commands. */
  readonly commands: CommandPipeline<CatalogState>;

  constructor(private readonly dataSource: DataSource, consumers: MessageConsumers) {
    this.commands = new CommandPipeline<CatalogState>({
      name: 'catalog',
      dataSource,
      projection: catalogProjection,
      // Another instance took the GTIN between our read and our write (commands on different skus run in parallel):
      // deciding again reads the new holder and refuses with GTIN_IN_USE instead of dead-lettering the command.
      raceConstraints: ['product_gtin_key'],
      decider: {
        accepts: isCatalogCommand,
        // Each decision reads the tables, after the run's decisions before it are folded.
        readState: async (em, _commands, pending) => flushedFirst(catalogStateOf(em), pending),
        decide: (cmd, state, now) => decideCatalogCommand(cmd, state, now),
      },
    });
    consumers.register({
      groupId: CATALOG_COMMANDS_GROUP,
      topics: [Topics.catalogCommands],
      ...this.commands.handlers(),
      // Commands on different skus (partitions) decided in parallel.
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({
      groupId: SERVICE_NAME,
      topics: [Topics.walletEvents, Topics.orderingEvents],
      handle: (env, ctx) => this.fold([{ envelope: env, ctx }]).then((r) => r[0]),
      handleBatch: (messages) => this.fold(messages),
      // Partitions in parallel, each still in order: the issued/redeemed folds of one partition need not wait for
      // another's.
      partitionsConsumedConcurrently: 3,
      // Up to 64 KiB (about a hundred events) or 250 ms per fetch: runs of tens of events per transaction.
      fetch: { minBytes: 64 * 1024, maxWaitMs: 250 },
    });
  }

  /** A run of wallet/ordering events of one partition folded in one transaction (deduped by id). */
  fold(messages: ReadonlyArray<{ envelope: Envelope; ctx: Pick<BatchMessage['ctx'], 'topic' | 'partition' | 'offset'> }>): Promise<HandlerOutcome[]> {
    const { topic, partition } = messages[0].ctx;
    return catalogProjection.consume(this.dataSource, topic, partition, messages.map((m) => ({ envelope: m.envelope, offset: m.ctx.offset })));
  }
}

/** A state whose every read first folds the run's pending decisions. */
function flushedFirst(state: CatalogState, pending: { flush(): Promise<void> }): CatalogState {
  return {
    storeOwner: async (storeId) => (await pending.flush(), state.storeOwner(storeId)),
    skuWithGtin: async (merchantId, gtin) => (await pending.flush(), state.skuWithGtin(merchantId, gtin)),
    coupon: async (couponId) => (await pending.flush(), state.coupon(couponId)),
    unknownSkus: async (merchantId, skus) => (await pending.flush(), state.unknownSkus(merchantId, skus)),
    unknownStores: async (merchantId, storeIds) => (await pending.flush(), state.unknownStores(merchantId, storeIds)),
  };
}
