// The replay tool on the catalog, against the real broker and PostgreSQL: a topic holding CouponCreated v1 (before
// status and createdAt existed) and v2 rebuilds through the upcaster; a poison message is skipped as the live consumer
// dead-letters it; --from-scratch builds the live schema; --verify says EQUAL, and after a row is tampered with says
// DIFFERENT, exits 1 and prints the differing rows. Tenancy: the events, all written before merchants existed, rebuild
// as the default merchant's, and a database folded before tenancy upgrades in place to the same rows.
import { Envelope, Topics, envelope } from '@coupons/contracts';
import { createKafka, fetchMarks, replayRange, runReplayTool } from '@coupons/messaging';
import { runMigrationsWithLock } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, testBroker } from '@coupons/testing';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { catalogDataSourceOptions } from '../database/data-source';
import { CATALOG_MIGRATIONS } from '../migrations';
import { catalogReplayTarget } from './replay';

jest.setTimeout(90_000);

let broker: RunningBroker;
let kafka: Kafka;
let url: string;

const V1_AT = '2026-01-02T03:04:05.000Z';
const coupon = (couponId: string, extra: Record<string, unknown>) => ({
  couponId, title: couponId, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [],
  totalQuantity: 10, perUserLimit: 1, priority: 0, ...extra,
});
const ev = (type: string, payload: object, aggregateId: string, version = 1, occurredAt = V1_AT): Envelope => ({
  ...envelope(type, payload, { aggregateId, correlationId: randomUUID(), occurredAt }),
  version,
});

function captured() {
  const lines: string[] = [];
  return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), progress: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream } };
}

beforeAll(async () => {
  broker = await testBroker();
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'catalog_replay');
  kafka = createKafka([broker.brokers], 'catalog-replay-test');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const v1 = ev('CouponCreated', coupon('c-v1', {}), 'c-v1');
  const send = (topic: string, events: Array<Envelope | string>) =>
    producer.send({ topic, acks: -1, messages: events.map((e) => (typeof e === 'string' ? { key: 'k', value: e } : { key: e.aggregateId, value: JSON.stringify(e) })) });
  await send(Topics.catalogEvents, [
    ev('StoreUpserted', { storeId: 's1', name: 'Store one' }, 's1'),
    ev('ProductUpserted', { sku: 'p1', name: 'Tea', price: 350, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: null }, 'p1'),
    v1,
    v1, // published twice (at-least-once relay): folded once
    ev('CouponCreated', coupon('c-v2', { status: 'PAUSED', createdAt: '2026-02-03T04:05:06.000Z' }), 'c-v2', 2, '2026-02-03T04:05:07.000Z'),
    ev('CouponStatusChanged', { couponId: 'c-v1', status: 'PAUSED' }, 'c-v1'),
    'not json: the live consumer dead-letters this',
  ]);
  await send(Topics.walletEvents, [
    ev('CouponClaimed', { claimId: 'cl-1', couponId: 'c-v1', userId: 'u1', title: 'c-v1', discount: { type: 'AMOUNT_OFF', amount: 100 }, claimedAt: V1_AT, validUntil: null, issuedCount: 1 }, 'c-v1'),
  ]);
  await producer.disconnect();
});

afterAll(async () => {
  await broker?.stop();
});

it('replays a topic holding CouponCreated v1 and v2 through the upcaster, once per event, skipping the poison message', async () => {
  const ds = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_upcast' }));
  await ds.initialize();
  try {
    await runMigrationsWithLock(ds);
    const stats = await replayRange({ kafka, projector: catalogReplayTarget.projector, dataSource: ds, marks: await fetchMarks(kafka, catalogReplayTarget.projector.topics), batchSize: 2 });
    expect(stats).toMatchObject({ messages: 8, applied: 6, duplicates: 1 });
    expect(stats.skipped).toEqual([expect.objectContaining({ topic: Topics.catalogEvents, reason: expect.stringMatching(/not JSON/) })]);
    const rows = await ds.query(`SELECT coupon_id, status, created_at FROM coupon ORDER BY coupon_id`);
    expect(rows).toEqual([
      // v1: created ACTIVE at the event's time (then paused by CouponStatusChanged).
      { coupon_id: 'c-v1', status: 'PAUSED', created_at: new Date(V1_AT) },
      { coupon_id: 'c-v2', status: 'PAUSED', created_at: new Date('2026-02-03T04:05:06.000Z') },
    ]);
    expect(await ds.query(`SELECT coupon_id, issued, redeemed FROM coupon_usage`)).toEqual([{ coupon_id: 'c-v1', issued: 1, redeemed: 0 }]);
    // Written before tenancy: every entity is the default merchant's.
    expect(await ds.query(`SELECT 'store' AS t, merchant_id FROM store UNION ALL SELECT 'product', merchant_id FROM product UNION ALL
      SELECT 'coupon:' || coupon_id, merchant_id FROM coupon ORDER BY 1`)).toEqual([
      { t: 'coupon:c-v1', merchant_id: 'default' }, { t: 'coupon:c-v2', merchant_id: 'default' }, { t: 'product', merchant_id: 'default' },
      { t: 'store', merchant_id: 'default' },
    ]);
  } finally {
    await ds.destroy();
  }
});

it('--from-scratch builds the live schema; --verify says EQUAL, then DIFFERENT with the differing rows once a row is changed', async () => {
  const env = { KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_live' };
  const built = captured();
  const topicsBefore = await fetchMarks(kafka, [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents, Topics.deadLetter]);
  expect(await runReplayTool(catalogReplayTarget, ['--from-scratch'], env, built.io)).toBe(0);
  // Replay publishes nothing (not even dead letters) and queues nothing to publish.
  expect(await fetchMarks(kafka, [Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents, Topics.deadLetter])).toEqual(topicsBefore);
  expect(built.lines.join('\n')).toMatch(/replayed 8 events .*6 applied, 1 duplicates, 0 not kept by coupon-catalog, 1 skipped/);
  expect(built.lines.join('\n')).toMatch(/coupon\s+2 rows/);

  // The live catalog's consumer group has folded the wallet and ordering events (as a running catalog would have).
  const admin = kafka.admin();
  await admin.connect();
  for (const m of await fetchMarks(kafka, [Topics.walletEvents, Topics.orderingEvents])) {
    await admin.setOffsets({ groupId: 'coupon-catalog', topic: m.topic, partitions: [{ partition: m.partition, offset: m.high.toString() }] });
  }
  await admin.disconnect();

  const equal = captured();
  const code = await runReplayTool(catalogReplayTarget, ['--verify', '--timeout', '20'], env, equal.io);
  if (code !== 0) throw new Error(equal.lines.join('\n'));
  expect(equal.lines.join('\n')).toMatch(/verify coupon-catalog: EQUAL/);

  const db = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_live' }));
  await db.initialize();
  try {
    expect(await db.query(`SELECT count(*)::int AS n FROM outbox`)).toEqual([{ n: 0 }]);
    await db.query(`UPDATE store SET name = 'tampered' WHERE store_id = 's1'`);
    const different = captured();
    expect(await runReplayTool(catalogReplayTarget, ['--verify', '--timeout', '20'], env, different.io)).toBe(1);
    const text = different.lines.join('\n');
    expect(text).toMatch(/store\s+live\s+1 rows \w+\s+rebuilt\s+1 rows \w+\s+DIFFERENT/);
    // The rows end with the store's merchant and created_at, its first upsert's occurredAt (equal on both sides).
    expect(text).toMatch(/only live: +\(s1,tampered,default,"[^"]+"\)/);
    expect(text).toMatch(/only rebuilt: +\(s1,"Store one",default,"[^"]+"\)/);
    expect(text).toMatch(/verify coupon-catalog: DIFFERENT/);
    // Scratch schemas are dropped either way.
    expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'catalog_live_verify_%'`)).toEqual([]);
  } finally {
    await db.destroy();
  }
});

it('upgrades a catalog database folded before tenancy in place: its rows become the rows a replay of the old events builds', async () => {
  // The version before tenancy: the migrations before it.
  const cut = CATALOG_MIGRATIONS.findIndex((m) => m.name === 'MerchantTenancy1764040500000');
  const before = CATALOG_MIGRATIONS.slice(0, cut);
  const options = catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_pre_tenancy' });
  const old = new DataSource({ ...options, migrations: before });
  await old.initialize();
  try {
    await runMigrationsWithLock(old);
    // The rows the catalog folded from these events before tenancy (product keyed by sku alone, no merchant column).
    await old.query(`INSERT INTO store (store_id, name) VALUES ('s1', 'Store one')`);
    await old.query(`INSERT INTO product (sku, gtin, name, price, currency, category, brand) VALUES ('p1', '06901234567892', 'Tea', 350, 'CNY', 'drinks', NULL)`);
    // ... and each upsert's stored outcome (what the creation-times migration dates the rows by, as a replay does).
    for (const [type, payload] of [['StoreUpserted', { storeId: 's1', name: 'Store one' }], ['ProductUpserted', { sku: 'p1' }]] as const) {
      await old.query(`INSERT INTO command_outcome (command_id, outcome) VALUES ($1, $2)`, [randomUUID(), JSON.stringify({ type, occurredAt: V1_AT, payload })]);
    }
  } finally {
    await old.destroy();
  }
  const upgraded = new DataSource(options);
  await upgraded.initialize();
  try {
    expect(await runMigrationsWithLock(upgraded)).toEqual(CATALOG_MIGRATIONS.slice(cut).map((m) => m.name));
    const rebuilt = 'catalog_upcast'; // the first test's replay of the same events
    for (const table of ['store', 'product']) {
      const rows = (schema: string) => upgraded.query(`SELECT to_jsonb(t) AS r FROM ${schema}.${table} t ORDER BY 1`);
      expect(await rows('catalog_pre_tenancy')).toEqual(await rows(rebuilt));
    }
    // A second merchant may now carry the same sku and GTIN; the first merchant still may not hold the GTIN twice.
    await upgraded.query(`INSERT INTO product (merchant_id, sku, gtin, name, price, currency, created_at) VALUES ('m-2', 'p1', '06901234567892', 'Tea', 400, 'CNY', now())`);
    await expect(upgraded.query(`INSERT INTO product (merchant_id, sku, gtin, name, price, currency, created_at) VALUES ('default', 'p2', '06901234567892', 'Tea', 1, 'CNY', now())`))
      .rejects.toThrow(/product_gtin_key/);
  } finally {
    await upgraded.destroy();
  }
});
