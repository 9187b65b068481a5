import { Inject, Injectable, Logger } from '@nestjs/common';
import { Topics, decodeMessage } from '@coupons/contracts';
import { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { GatewayEnv } from '../config/gateway.env';
import { KAFKA } from '../messaging/kafka';
import { ObservedEvent } from '../messaging/outcome-listener';

/** The topics whose events are pushed to terminals (notification-hub.ts, toNotification). */
export const NOTIFICATION_TOPICS = [Topics.walletEvents, Topics.orderingEvents];

/**
 * How many of the latest events of each partition a starting gateway reads back, so that a terminal reconnecting
 * after a gateway restart (or to a new instance) with Last-Event-ID gets what happened while no gateway held it.
 */
export const HISTORY_PER_PARTITION = 500;

/** How long a start-up may spend reading that history before it gives up on it (the live stream goes on). */
const HISTORY_TIMEOUT_MS = 20_000;

/** Reads the recent past of the notification topics once, from `high - HISTORY_PER_PARTITION` up to the ends now. */
@Injectable()
export class NotificationHistory {
  private readonly logger = new Logger(NotificationHistory.name);

  constructor(@Inject(KAFKA) private readonly kafka: Kafka, private readonly env: GatewayEnv) {}

  async read(perPartition = HISTORY_PER_PARTITION): Promise<ObservedEvent[]> {
    const ranges = await this.ranges(perPartition);
    if (ranges.size === 0) return [];
    const events: ObservedEvent[] = [];
    // A group of its own, never committed: it only reads a window and leaves.
    const consumer = this.kafka.consumer({ groupId: `scan-gateway-${this.env.INSTANCE_ID}-history-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    const left = new Set(ranges.keys());
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...new Set([...ranges.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const key = `${topic}:${partition}`;
          const range = ranges.get(key);
          if (!range || BigInt(message.offset) >= range.end) return;
          const decoded = decodeMessage(message.value);
          if (decoded.ok) events.push({ envelope: decoded.envelope, topic, partition, offset: message.offset });
          if (BigInt(message.offset) + 1n >= range.end && left.delete(key) && left.size === 0) finish();
        },
      });
      for (const [key, range] of ranges) {
        const at = key.lastIndexOf(':');
        consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: range.start.toString() });
      }
      const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), HISTORY_TIMEOUT_MS).unref())]);
      if (timedOut) this.logger.warn(`read ${events.length} notification events of the recent past before giving up; ${left.size} partitions unread`);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return events;
  }

  /** Per `topic:partition`, the offsets to read: [max(low, high - n), high) where that is not empty. */
  private async ranges(perPartition: number): Promise<Map<string, { start: bigint; end: bigint }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const out = new Map<string, { start: bigint; end: bigint }>();
      for (const topic of NOTIFICATION_TOPICS) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const end = BigInt(p.high);
          const low = BigInt(p.low);
          const start = end - BigInt(perPartition) > low ? end - BigInt(perPartition) : low;
          if (start < end) out.set(`${topic}:${p.partition}`, { start, end });
        }
      }
      return out;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
