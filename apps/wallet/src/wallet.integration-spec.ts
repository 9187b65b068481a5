import { CouponClaimed, Envelope, Queries, QueryReply, Topics, WalletView, envelope } from '@coupons/contracts';
import { createKafka } from '@coupons/messaging';
import { assertSchemaInSync, runMigrationsWithLock, validateEnv } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, testBroker } from '@coupons/testing';
import { ClientKafka } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { WALLET_QUERY_PATTERNS, startWallet } from './bootstrap';
import { walletDataSourceOptions } from './database/data-source';
import { WalletEnv } from './env';
import { walletProjection } from './wallet/wallet.projection';

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
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'wallet');
  const env = validateEnv(WalletEnv)({ KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, LOG_LEVEL: 'warn', INSTANCE_ID: 'wallet-test' });
  app = await startWallet({ ...env, HTTP_PORT: 0 } as WalletEnv, { host: '127.0.0.1', messaging: { relayPollIntervalMs: 100 } });
  db = new DataSource(walletDataSourceOptions(env));
  await db.initialize();
  producer = createKafka(broker.brokers.split(','), 'wallet-test').producer();
  await producer.connect();
  queries = new ClientKafka({ client: { clientId: 'wallet-test-queries', brokers: broker.brokers.split(',') }, consumer: { groupId: `wallet-test-${randomUUID()}` } });
  for (const p of WALLET_QUERY_PATTERNS) queries.subscribeToResponseOf(p);
  await queries.connect();
});

afterAll(async () => {
  await queries?.close();
  await producer?.disconnect();
  await db?.destroy();
  await app?.close();
  await broker?.stop();
});

describe('wallet service', () => {
  it('starts migrated and answers /health and /metrics', async () => {
    const base = await app.getUrl();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok' } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    await assertSchemaInSync(db);
  });

  it('answers getWallet with an empty wallet, and commandOutcome with not found', async () => {
    expect(await query<WalletView>(Queries.getWallet, { userId: 'nobody' })).toEqual({ ok: true, value: { coupons: [] } });
    expect(await query(Queries.commandOutcome.wallet, { commandId: 'x' })).toMatchObject({ ok: false, code: 'COMMAND_NOT_FOUND' });
  });

  it('folds catalog coupons and ordering redemptions; the wallet view shows claims and their status', async () => {
    const created = event('CouponCreated', {
      couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 3,
      perUserLimit: 1, priority: 0, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z',
    }, 'c-1');
    await producer.send({ topic: Topics.catalogEvents, messages: [{ key: 'c-1', value: JSON.stringify(created) }] });
    await waitFor(async () => (await db.query(`SELECT total_quantity FROM coupon_stock WHERE coupon_id = 'c-1'`))[0]?.total_quantity === 3, 'coupon_stock');

    // A claim as the decision (or a replay of wallet.events) applies it.
    const claimed: CouponClaimed = {
      claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 },
      claimedAt: '2026-02-01T00:00:00.000Z', validUntil: null, issuedCount: 1,
    };
    const claimedEvent = envelope('CouponClaimed', claimed, { aggregateId: 'c-1', correlationId: 'corr', causationId: 'cmd-1' });
    expect(await walletProjection.fold(db, claimedEvent)).toBe('applied');
    expect(await walletProjection.fold(db, claimedEvent)).toBe('duplicate');
    expect(await query(Queries.commandOutcome.wallet, { commandId: 'cmd-1' })).toEqual({ ok: true, value: claimedEvent });

    const redeemed = event('CouponRedeemed', { claimId: 'cl-1', couponId: 'c-1', userId: 'u-1', orderId: 'o-1', redeemedAt: '2026-02-02T00:00:00.000Z' }, 'u-1');
    await producer.send({ topic: Topics.orderingEvents, messages: [{ key: 'u-1', value: JSON.stringify(redeemed) }] });
    await waitFor(async () => (await db.query(`SELECT order_id FROM claim_redemption WHERE claim_id = 'cl-1'`))[0], 'the redemption');
    expect(await query<WalletView>(Queries.getWallet, { userId: 'u-1' })).toEqual({
      ok: true,
      value: { coupons: [{ claimId: 'cl-1', couponId: 'c-1', title: '5 off', discount: { type: 'AMOUNT_OFF', amount: 500 }, status: 'REDEEMED', claimedAt: '2026-02-01T00:00:00.000Z', validUntil: null, orderId: 'o-1' }] },
    });
  });
});

describe('wallet migrations', () => {
  it('migrate up in sync with the entities and down to nothing', async () => {
    const ds = new DataSource(walletDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'wallet_migrations' }));
    await ds.initialize();
    try {
      expect(await runMigrationsWithLock(ds)).toEqual(['InitialWalletSchema1764040100000']);
      await assertSchemaInSync(ds);
      await ds.undoLastMigration();
      expect(await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'wallet_migrations' AND table_name <> 'migrations'`)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
