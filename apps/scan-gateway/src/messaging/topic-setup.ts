import { Queries, Topics } from '@coupons/contracts';
import { Kafka } from 'kafkajs';

/** Partitions for topics the gateway creates when they don't exist yet (the launcher or ops may create them first). */
export const DEFAULT_PARTITIONS = 3;

/** Every query pattern the gateway sends (ClientKafka replies come back on `<pattern>.reply`). */
export const QUERY_PATTERNS: string[] = [
  Queries.scan, Queries.getCoupon, Queries.getWallet, Queries.getOrder,
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
 * Creates the gateway's topics that are missing, so that consumers can subscribe and producers publish without
 * relying on broker auto-creation (off in production Kafka set-ups). Existing topics are left as they are.
 */
export async function ensureTopics(kafka: Kafka, topics: string[] = gatewayTopics()): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      try {
        await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: DEFAULT_PARTITIONS })) });
      } catch (err) {
        // Another process may have created some of them meanwhile: only a topic still missing is a failure.
        const now = new Set(await admin.listTopics());
        if (missing.some((t) => !now.has(t))) throw err;
      }
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
