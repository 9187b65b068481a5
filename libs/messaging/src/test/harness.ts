import { Envelope, envelope } from '@coupons/contracts';
import { postgresOptions } from '@coupons/service-kit';
import { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { MESSAGING_ENTITIES } from '../entities';
import { createMessagingTables, createPipelineTables, dropMessagingTables, dropPipelineTables } from '../schema';

/** A projection table for tests: one counter per id. */
@Entity({ name: 'counter' })
export class CounterRow {
  @PrimaryColumn('text') id!: string;
  @Column('integer') value!: number;
}

export class TestMessagingTables1700000000000 implements MigrationInterface {
  name = 'TestMessagingTables1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await createMessagingTables(q);
    await createPipelineTables(q, 'test.commands');
    await q.query(`CREATE TABLE counter (id text PRIMARY KEY, value integer NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE counter`);
    await dropPipelineTables(q);
    await dropMessagingTables(q);
  }
}

export function testDataSource(url: string, schema: string): DataSource {
  return new DataSource(postgresOptions({ url, schema, entities: [...MESSAGING_ENTITIES, CounterRow], migrations: [TestMessagingTables1700000000000] }));
}

/** A valid StoreUpserted event (any registered type would do) keyed by `key`. */
export function storeEvent(key: string, name: string): Envelope {
  return envelope('StoreUpserted', { storeId: key, name }, { aggregateId: key, correlationId: randomUUID() });
}

export function uniqueTopic(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Reads a topic from the beginning until `until` says enough (or the timeout). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (msgs: KafkaMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  const msgs: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({ eachMessage: async ({ message }) => { msgs.push(message); if (until(msgs)) done(); } });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return msgs;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
