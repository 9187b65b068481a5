import { Queries, Topics } from '@coupons/contracts';
import { ensureTopics } from '@coupons/messaging';
import { Kafka } from 'kafkajs';

/** Every query pattern the gateway sends (ClientKafka replies come back on `<pattern>.reply`). */
export const QUERY_PATTERNS: string[] = [
  Queries.getCoupon, Queries.listStores, Queries.listProducts, Queries.listCoupons, Queries.getWallet, Queries.getOrder, Queries.listOrders,
  Queries.commandOutcome.catalog, Queries.commandOutcome.wallet, Queries.commandOutcome.ordering,
];

/** Topics the gateway writes to or reads from. */
export function gatewayTopics(): string[] {
  return [
    Topics.catalogCommands, Topics.catalogEvents, Topics.walletCommands, Topics.walletEvents, Topics.orderingCommands, Topics.orderingEvents,
    ...QUERY_PATTERNS, ...QUERY_PATTERNS.map((p) => `${p}.reply`),
  ];
}

/**
 * Provisions the gateway's topics from their declarations (libs/contracts) and checks its event topics (the scan
 * read model folds catalog.events.v1 from offset 0): TopicMisconfigured when one would make that fold wrong.
 */
export async function ensureGatewayTopics(kafka: Kafka, replicationFactor?: number): Promise<void> {
  await ensureTopics(kafka, gatewayTopics(), undefined, replicationFactor);
}
