import { Queries, Topics } from '@coupons/contracts';
import { ensureTopics } from '@coupons/messaging';
import { Kafka } from 'kafkajs';

/** Partitions for topics the gateway creates when they don't exist yet (the launcher or ops may create them first). */
export const DEFAULT_PARTITIONS = 3;

/** Every query pattern the gateway sends (ClientKafka replies come back on `<pattern>.reply`). */
export const QUERY_PATTERNS: string[] = [
  Queries.getCoupon, Queries.getWallet, Queries.getOrder, Queries.listOrders,
  Queries.commandOutcome.catalog, Queries.commandOutcome.wallet, Queries.commandOutcome.ordering,
];

/** Topics the gateway writes to or reads from. */
export function gatewayTopics(): string[] {
  return [
    Topics.catalogCommands, Topics.catalogEvents, Topics.walletCommands, Topics.walletEvents, Topics.orderingCommands, Topics.orderingEvents,
    ...QUERY_PATTERNS, ...QUERY_PATTERNS.map((p) => `${p}.reply`),
  ];
}

/** Creates the gateway's topics that are missing (the services' relays and consumers do the same for theirs). */
export async function ensureGatewayTopics(kafka: Kafka): Promise<void> {
  await ensureTopics(kafka, gatewayTopics(), DEFAULT_PARTITIONS);
}
