/**
 * Replay speed against a raw kafkajs consumer reading the same topics (the target: replay >= 0.5x the raw rate).
 *
 *   npm run bench:replay [-- --events 20000 --concurrency 4 --batch-size 250 --database-url postgres://... --brokers host:port]
 *
 * Without --brokers an in-process dev-broker (in memory) is started; without --database-url an embedded PostgreSQL.
 * The events are catalog events (stores, products, coupons) and wallet CouponClaimed, folded by the catalog's own
 * projection into a fresh schema, as `npm run replay -- coupon-catalog` does.
 */
import { Topics, envelope } from '@coupons/contracts';
import { startBroker } from '@coupons/dev-broker';
import { createKafka, fetchMarks, replayRange } from '@coupons/messaging';
import { runMigrationsWithLock } from '@coupons/service-kit';
import { createTestDatabase, startEmbeddedPostgres } from '@coupons/testing';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '4' }, 'batch-size': { type: 'string', default: '250' }, 'database-url': { type: 'string' }, brokers: { type: 'string' } } });
  const n = Number(values.events);
  const broker = values.brokers ? undefined : await startBroker({ port: 0, inMemory: true, logger: () => undefined });
  const brokers = values.brokers ?? broker!.brokers;
  const pg = values['database-url'] ? undefined : await startEmbeddedPostgres();
  const serverUrl = values['database-url'] ?? pg!.url;
  // The catalog's replay target, from the build (tools do not import apps).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { catalogReplayTarget } = require(join(__dirname, '..', '..', 'apps', 'coupon-catalog', 'src', 'replay', 'replay.js'));
  const kafka = createKafka([brokers], 'replay-bench');
  try {
    const run = randomUUID().slice(0, 6);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) {
        const id = `${run}-${j % 2000}`;
        const e = j % 4 === 0
          ? envelope('StoreUpserted', { storeId: `s-${id}`, name: `Store ${j}` }, { aggregateId: `s-${id}`, correlationId: randomUUID() })
          : j % 4 === 1
            ? envelope('ProductUpserted', { sku: `p-${id}`, name: `Product ${j}`, price: 100 + j, currency: 'CNY' }, { aggregateId: `p-${id}`, correlationId: randomUUID() })
            : j % 4 === 2
              ? envelope('CouponCreated', { couponId: `c-${id}`, title: `Coupon ${j}`, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 10, perUserLimit: 1, priority: 0, status: 'ACTIVE', createdAt: new Date().toISOString() }, { aggregateId: `c-${id}`, correlationId: randomUUID() })
              : envelope('CouponClaimed', { claimId: `cl-${run}-${j}`, couponId: `c-${id}`, userId: `u-${j}`, title: 't', discount: { type: 'AMOUNT_OFF', amount: 100 }, claimedAt: new Date().toISOString(), validUntil: null, issuedCount: 1 }, { aggregateId: `c-${id}`, correlationId: randomUUID() });
        batch.push({ topic: e.type === 'CouponClaimed' ? Topics.walletEvents : Topics.catalogEvents, e });
      }
      for (const topic of [Topics.catalogEvents, Topics.walletEvents]) {
        const messages = batch.filter((b) => b.topic === topic).map((b) => ({ key: b.e.aggregateId, value: JSON.stringify(b.e) }));
        if (messages.length) await producer.send({ topic, acks: -1, messages });
      }
    }
    await producer.disconnect();
    const topics = [Topics.catalogEvents, Topics.walletEvents];
    const marks = await fetchMarks(kafka, topics);
    const total = marks.reduce((a, m) => a + Number(m.high - m.low), 0);

    // Raw: a kafkajs consumer in a fresh group, every message parsed, nothing else.
    const rawStart = Date.now();
    let seen = 0;
    const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({ eachBatch: async ({ batch }) => { for (const m of batch.messages) { JSON.parse(m.value!.toString()); seen++; } if (seen >= total) resolve(); } });
    });
    const rawMs = Date.now() - rawStart;
    await consumer.disconnect();

    const url = await createTestDatabase(serverUrl, 'replay_bench');
    const ds = new DataSource(catalogReplayTarget.dataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'bench' }));
    await ds.initialize();
    await runMigrationsWithLock(ds);
    const replayStart = Date.now();
    const stats = await replayRange({ kafka, projector: catalogReplayTarget.projector, dataSource: ds, marks, concurrency: Number(values.concurrency), batchSize: Number(values['batch-size']) });
    const replayMs = Date.now() - replayStart;
    await ds.destroy();

    const raw = (total * 1000) / rawMs;
    const replay = (stats.messages * 1000) / replayMs;
    process.stdout.write(`${JSON.stringify({ events: total, rawMs, rawEventsPerSec: Math.round(raw), replayMs, replayEventsPerSec: Math.round(replay), ratio: Number((replay / raw).toFixed(2)), applied: stats.applied })}\n`);
  } finally {
    await broker?.close();
    await pg?.stop();
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
