import { Envelope, OrderProcessed, OrderView, Queries, QueryReply, Topics, envelope } from '@coupons/contracts';
import { createKafka } from '@coupons/messaging';
import { assertSchemaInSync, runMigrationsWithLock, validateEnv } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, testBroker } from '@coupons/testing';
import { ClientKafka } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { ORDERING_QUERY_PATTERNS, startOrdering } from './bootstrap';
import { orderingDataSourceOptions } from './database/data-source';
import { OrderingEnv } from './env';
import { orderingProjection } from './ordering/ordering.projection';

jest.setTimeout(90_000);

let broker: RunningBroker;
let app: NestFastifyApplication;
let db: DataSource;
let queries: ClientKafka;
let producer: Producer;
let url: string;

const query = <T>(pattern: string, payload: object) =>
  firstValueFrom(queries.send<QueryReply<T>>(pattern, { value: payload }).pipe(timeout(20_000)));

async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const event = (type: string, payload: object, key: string): Envelope => envelope(type, payload, { aggregateId: key, correlationId: randomUUID() });

beforeAll(async () => {
  broker = await testBroker();
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'ordering');
  const env = validateEnv(OrderingEnv)({ KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, LOG_LEVEL: 'warn', INSTANCE_ID: 'ordering-test' });
  app = await startOrdering({ ...env, HTTP_PORT: 0 } as OrderingEnv, { host: '127.0.0.1', messaging: { relayPollIntervalMs: 100 } });
  db = new DataSource(orderingDataSourceOptions(env));
  await db.initialize();
  producer = createKafka(broker.brokers.split(','), 'ordering-test').producer();
  await producer.connect();
  queries = new ClientKafka({ client: { clientId: 'ordering-test-queries', brokers: broker.brokers.split(',') }, consumer: { groupId: `ordering-test-${randomUUID()}` } });
  for (const p of ORDERING_QUERY_PATTERNS) queries.subscribeToResponseOf(p);
  await queries.connect();
});

afterAll(async () => {
  await queries?.close();
  await producer?.disconnect();
  await db?.destroy();
  await app?.close();
  await broker?.stop();
});

describe('ordering service', () => {
  it('starts migrated and answers /health and /metrics', async () => {
    const base = await app.getUrl();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok' } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    await assertSchemaInSync(db);
  });

  it('answers getOrder for an unknown order with ORDER_NOT_FOUND', async () => {
    expect(await query(Queries.getOrder, { orderId: 'o-none', userId: 'u-1' })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' });
    expect(await query(Queries.commandOutcome.ordering, { commandId: 'x' })).toMatchObject({ ok: false, code: 'COMMAND_NOT_FOUND' });
  });

  it('folds catalog products/stores/coupons and wallet claims from Kafka', async () => {
    const msgs = [
      [Topics.catalogEvents, event('ProductUpserted', { sku: 'tea', name: 'Tea', price: 1000, currency: 'CNY', gtin: null, category: 'drinks', brand: null }, 'tea')],
      [Topics.catalogEvents, event('StoreUpserted', { storeId: 's-1', name: 'Shop' }, 's-1')],
      [Topics.catalogEvents, event('CouponCreated', {
        couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 1000, target: { categories: ['drinks'] }, storeIds: ['s-1'],
        totalQuantity: 3, perUserLimit: 1, priority: 0, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z',
      }, 'c-1')],
      [Topics.walletEvents, event('CouponClaimed', {
        claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, claimedAt: '2026-02-01T00:00:00.000Z',
        validUntil: '2026-03-01T00:00:00.000Z', issuedCount: 1,
      }, 'c-1')],
    ] as const;
    for (const [topic, e] of msgs) await producer.send({ topic, messages: [{ key: e.aggregateId, value: JSON.stringify(e) }] });
    await waitFor(async () => (await db.query(`SELECT 1 FROM user_claim WHERE claim_id = 'cl-1'`)).length === 1, 'the claim');
    await waitFor(async () => (await db.query(`SELECT 1 FROM coupon_terms WHERE coupon_id = 'c-1'`)).length === 1, 'the coupon terms');
    expect(await db.query(`SELECT sku, price, category FROM product`)).toEqual([{ sku: 'tea', price: '1000', category: 'drinks' }]);
    expect(await db.query(`SELECT store_id FROM store`)).toEqual([{ store_id: 's-1' }]);
  });

  it('shows a folded order to its owner only, and records it as the command outcome', async () => {
    const processed: OrderProcessed = {
      orderId: 'o-1', userId: 'u-1', storeId: 's-1', items: [{ sku: 'tea', quantity: 2, unitPrice: 1000, lineTotal: 2000 }], subtotal: 2000, discount: 500,
      total: 1500, currency: 'CNY', appliedCoupon: { claimId: 'cl-1', couponId: 'c-1', title: '5 off' }, processedAt: '2026-02-02T00:00:00.000Z',
    };
    const e = envelope('OrderProcessed', processed, { aggregateId: 'u-1', correlationId: 'corr', causationId: 'cmd-1' });
    expect(await orderingProjection.fold(db, e)).toBe('applied');
    expect(await orderingProjection.fold(db, e)).toBe('duplicate');
    expect(await query<OrderView>(Queries.getOrder, { orderId: 'o-1', userId: 'u-1' })).toEqual({
      ok: true,
      value: {
        orderId: 'o-1', status: 'PROCESSED', storeId: 's-1', items: [{ sku: 'tea', quantity: 2, unitPrice: 1000, lineTotal: 2000 }],
        subtotal: 2000, discount: 500, total: 1500, currency: 'CNY', appliedCoupon: { claimId: 'cl-1', couponId: 'c-1', title: '5 off' },
      },
    });
    expect(await query(Queries.getOrder, { orderId: 'o-1', userId: 'someone-else' })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' });
    expect(await query(Queries.commandOutcome.ordering, { commandId: 'cmd-1' })).toEqual({ ok: true, value: e });
  });
});

describe('ordering migrations', () => {
  it('migrate up in sync with the entities and down to nothing', async () => {
    const ds = new DataSource(orderingDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'ordering_migrations' }));
    await ds.initialize();
    try {
      expect(await runMigrationsWithLock(ds)).toEqual(['InitialOrderingSchema1764040200000']);
      await assertSchemaInSync(ds);
      await ds.undoLastMigration();
      expect(await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'ordering_migrations' AND table_name <> 'migrations'`)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
