import {
  CatalogCommandTypes, CatalogEventTypes, CouponClaimed, CreateCoupon, Envelope, Headers, Queries, QueryReply, ScanQuery, Topics, envelope,
  DEFAULT_MERCHANT_ID,
} from '@coupons/contracts';
import { CatalogEvent, ScanModel } from '@coupons/coupon-rules';
import { createKafka, headersToStrings } from '@coupons/messaging';
import { assertSchemaInSync, runMigrationsWithLock, validateEnv } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, insertColumnGaps, readEnvelopes, recordStatements, testBroker } from '@coupons/testing';
import { ClientKafka } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { CATALOG_QUERY_PATTERNS, startCatalog } from './bootstrap';
import { catalogDataSourceOptions } from './database/data-source';
import { catalogProjection } from './catalog/catalog.projection';
import { CatalogEnv } from './env';

jest.setTimeout(90_000);

let broker: RunningBroker;
/** Every statement the service ran (hand-written SQL checked against the entities at the end). */
let statements: string[] = [];
let kafka: Kafka;
let producer: Producer;
let app: NestFastifyApplication;
let baseUrl: string;
let db: DataSource;
let queries: ClientKafka;
let url: string;
const events: Envelope[] = [];
const dead: KafkaMessage[] = [];
let eventReader: Consumer;

async function sendCommand(type: string, payload: object, aggregateId: string, commandId = randomUUID()): Promise<Envelope> {
  const cmd = envelope(type, payload, { aggregateId, correlationId: randomUUID(), eventId: commandId });
  await producer.send({ topic: Topics.catalogCommands, acks: -1, messages: [{ key: aggregateId, value: JSON.stringify(cmd) }] });
  return cmd;
}

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const outcomeOf = (cmd: Envelope) => waitFor(() => events.find((e) => e.causationId === cmd.eventId), `the outcome of ${cmd.type}`);

async function query<T>(pattern: string, payload: object): Promise<QueryReply<T>> {
  return firstValueFrom(queries.send<QueryReply<T>>(pattern, { value: payload }).pipe(timeout(20_000)));
}

const coupon = (id: string, over: Partial<CreateCoupon> = {}): CreateCoupon => ({
  merchantId: DEFAULT_MERCHANT_ID, couponId: id, title: id, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [],
  totalQuantity: 100, perUserLimit: 1, priority: 0, ...over,
});

beforeAll(async () => {
  broker = await testBroker();
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'catalog');
  const env = validateEnv(CatalogEnv)({ KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, LOG_LEVEL: 'warn', INSTANCE_ID: 'catalog-test' });
  app = await startCatalog({ ...env, HTTP_PORT: 0 } as CatalogEnv, { host: '127.0.0.1', messaging: { relayPollIntervalMs: 100, retry: { initialMs: 50, maxMs: 500 } } });
  statements = recordStatements(app.get(DataSource));
  baseUrl = await app.getUrl();

  kafka = createKafka(broker.brokers.split(','), 'catalog-test');
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  eventReader = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await eventReader.connect();
  await eventReader.subscribe({ topics: [Topics.catalogEvents, Topics.deadLetter], fromBeginning: true });
  await eventReader.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === Topics.deadLetter) dead.push(message);
      else events.push(JSON.parse(message.value!.toString()));
    },
  });

  queries = new ClientKafka({
    client: { clientId: 'catalog-test-queries', brokers: broker.brokers.split(',') },
    consumer: { groupId: `catalog-test-queries-${randomUUID()}` },
    producer: { allowAutoTopicCreation: false },
  });
  for (const p of CATALOG_QUERY_PATTERNS) queries.subscribeToResponseOf(p);
  await queries.connect();

  db = new DataSource(catalogDataSourceOptions(env));
  await db.initialize();
});

afterAll(async () => {
  await queries?.close();
  await eventReader?.disconnect();
  await producer?.disconnect();
  await db?.destroy();
  await app?.close();
  await broker?.stop();
});

describe('coupon-catalog service', () => {
  it('answers /health with database and kafka ok', async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok' } });
  });

  it('decides commands into events on catalog.events.v1 and rows in its schema', async () => {
    const store = await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-1', name: 'Main Street' }, 'st-1');
    const product = await sendCommand(CatalogCommandTypes.upsertProduct, { sku: 'sku-1', name: 'Cola', price: 350, currency: 'CNY', gtin: '06901234567892', category: 'drinks', brand: 'Fizz' }, 'sku-1');
    const created = await sendCommand(CatalogCommandTypes.createCoupon, coupon('c-basic', { storeIds: ['st-1'] }), 'c-basic');

    expect(await outcomeOf(store)).toMatchObject({ type: 'StoreUpserted', aggregateId: 'st-1', correlationId: store.correlationId, payload: { storeId: 'st-1', name: 'Main Street' } });
    expect(await outcomeOf(product)).toMatchObject({ type: 'ProductUpserted', payload: { sku: 'sku-1', gtin: '06901234567892' } });
    const couponCreated = await outcomeOf(created);
    expect(couponCreated).toMatchObject({ type: 'CouponCreated', payload: { couponId: 'c-basic', status: 'ACTIVE' } });

    expect(await db.query(`SELECT store_id, name FROM store`)).toEqual([{ store_id: 'st-1', name: 'Main Street' }]);
    expect(await db.query(`SELECT sku, gtin, price FROM product WHERE sku = 'sku-1'`)).toEqual([{ sku: 'sku-1', gtin: '06901234567892', price: '350' }]);
    const view = await query<unknown>(Queries.getCoupon, { couponId: 'c-basic' });
    expect(view).toEqual({ ok: true, value: expect.objectContaining({ couponId: 'c-basic', status: 'ACTIVE', issued: 0, redeemed: 0, createdAt: (couponCreated.payload as { createdAt: string }).createdAt }) });
    // The event's Kafka headers carry type and ids.
    const outcomeMessageHeaders = await waitFor(async () => (await db.query(`SELECT headers FROM outbox WHERE envelope->>'eventId' = $1 AND published_at IS NOT NULL`, [couponCreated.eventId]))[0]?.headers, 'published row');
    expect(outcomeMessageHeaders).toMatchObject({ [Headers.type]: 'CouponCreated', [Headers.causationId]: created.eventId });
  });

  it('applies a duplicate command once and answers commandOutcome with the stored outcome', async () => {
    const commandId = randomUUID();
    const first = await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-dup', name: 'Dup' }, 'st-dup', commandId);
    await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-dup', name: 'Changed by a repeat' }, 'st-dup', commandId);
    const marker = await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-dup', name: 'Dup' }, 'st-dup');
    await outcomeOf(marker); // same key, same partition: the repeat has been consumed by now
    expect(events.filter((e) => e.causationId === commandId)).toHaveLength(1);
    expect(await db.query(`SELECT name FROM store WHERE store_id = 'st-dup'`)).toEqual([{ name: 'Dup' }]);

    const outcome = events.find((e) => e.causationId === first.eventId)!;
    expect(await query(Queries.commandOutcome.catalog, { commandId })).toEqual({ ok: true, value: outcome });
    expect(await query(Queries.commandOutcome.catalog, { commandId: 'never-sent' })).toMatchObject({ ok: false, code: 'COMMAND_NOT_FOUND' });
  });

  it('answers a repeated CreateCoupon (same couponId, new command) with the original, changing nothing', async () => {
    const first = await sendCommand(CatalogCommandTypes.createCoupon, coupon('c-repeat', { title: 'first' }), 'c-repeat');
    const firstOutcome = await outcomeOf(first);
    const pause = await sendCommand(CatalogCommandTypes.setCouponStatus, { couponId: 'c-repeat', status: 'PAUSED' }, 'c-repeat');
    await outcomeOf(pause);
    const repeat = await sendCommand(CatalogCommandTypes.createCoupon, coupon('c-repeat', { title: 'second' }), 'c-repeat');
    expect((await outcomeOf(repeat)).payload).toEqual(firstOutcome.payload);
    expect(await db.query(`SELECT title, status FROM coupon WHERE coupon_id = 'c-repeat'`)).toEqual([{ title: 'first', status: 'PAUSED' }]);
  });

  it('dead-letters an invalid command and writes nothing', async () => {
    const bad = envelope(CatalogCommandTypes.upsertStore, { storeId: 'st-bad', name: '' }, { aggregateId: 'st-bad', correlationId: randomUUID() });
    await producer.send({ topic: Topics.catalogCommands, messages: [{ key: 'st-bad', value: JSON.stringify(bad) }] });
    const letter = await waitFor(() => dead.find((m) => m.key?.toString() === 'st-bad'), 'the dead letter');
    const h = headersToStrings(letter.headers);
    expect(h[Headers.sourceTopic]).toBe(Topics.catalogCommands);
    expect(h[Headers.error]).toMatch(/invalid UpsertStore: name/);
    expect(JSON.parse(letter.value!.toString())).toEqual(bad);
    // The partition moved on: a later command on the same key is decided.
    await outcomeOf(await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-bad', name: 'fine' }, 'st-bad'));
    expect(events.filter((e) => e.causationId === bad.eventId)).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM command_outcome WHERE command_id = $1`, [bad.eventId])).toEqual([{ n: 0 }]);
  });

  it('refuses unknown coupons, stores and skus with codes the gateway maps to HTTP', async () => {
    const status = await sendCommand(CatalogCommandTypes.setCouponStatus, { couponId: 'c-none', status: 'PAUSED' }, 'c-none');
    expect(await outcomeOf(status)).toMatchObject({ type: 'CatalogCommandRejected', payload: { code: 'COUPON_NOT_FOUND', httpStatus: 404, commandType: 'SetCouponStatus' } });
    const store = await sendCommand(CatalogCommandTypes.setStoreDisplays, { storeId: 'st-none', items: [] }, 'st-none');
    expect(await outcomeOf(store)).toMatchObject({ payload: { code: 'STORE_NOT_FOUND', httpStatus: 404 } });
    await outcomeOf(await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'st-d', name: 'D' }, 'st-d'));
    const skus = await sendCommand(CatalogCommandTypes.setStoreDisplays, { storeId: 'st-d', items: [{ sku: 'sku-1', headline: 'ok' }, { sku: 'ghost', headline: 'no' }] }, 'st-d');
    expect(await outcomeOf(skus)).toMatchObject({ payload: { code: 'PRODUCT_NOT_FOUND', httpStatus: 404, details: [{ field: 'items[1].sku', message: 'no product ghost' }] } });
    expect(await query(Queries.getCoupon, { couponId: 'c-none' })).toMatchObject({ ok: false, code: 'COUPON_NOT_FOUND' });
  });

  it('emits the events from which the shared scan engine ranks offers per DESIGN §5, the best marked, with the store displays', async () => {
    const catalog = [
      await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'shop', name: 'Shop' }, 'shop'),
      await sendCommand(CatalogCommandTypes.upsertStore, { storeId: 'other', name: 'Other' }, 'other'),
      await sendCommand(CatalogCommandTypes.upsertProduct, { sku: 'tea', name: 'Green tea', price: 1000, currency: 'CNY', gtin: '00000000000017', category: 'drinks', brand: 'Leaf' }, 'tea'),
      await sendCommand(CatalogCommandTypes.upsertProduct, { sku: 'cake', name: 'Cake', price: 2500, currency: 'CNY', category: 'bakery' }, 'cake'),
    ];
    // A coupon may name only known stores and skus: they are decided first (commands on other keys run in parallel).
    for (const c of catalog) await outcomeOf(c);
    const setup = [
      // sku target (4) + store listed (1) = 5
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-sku-store', { target: { skus: ['tea'] }, storeIds: ['shop'], discount: { type: 'AMOUNT_OFF', amount: 100 } }), 's-sku-store'),
      // sku target = 4; bigger discount than the next one
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-sku-big', { target: { skus: ['tea'] }, discount: { type: 'AMOUNT_OFF', amount: 300 } }), 's-sku-big'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-sku-small', { target: { skus: ['tea'] }, discount: { type: 'PERCENT_OFF', percent: 10 } }), 's-sku-small'),
      // category = 2, tie on value: priority decides, then claimableUntil, then couponId
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-cat-b', { target: { categories: ['drinks'] }, priority: 1 }), 's-cat-b'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-cat-a', { target: { categories: ['drinks'] }, claimableUntil: '2099-01-01T00:00:00.000Z' }), 's-cat-a'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-cat-c', { target: { brands: ['Leaf'] } }), 's-cat-c'),
      // whole order = 0
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('s-all', {}), 's-all'),
      // not offered: other store, other product, paused, sold out, window closed
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-other-store', { storeIds: ['other'] }), 'x-other-store'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-other-product', { target: { skus: ['cake'] } }), 'x-other-product'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-paused', {}), 'x-paused'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-sold-out', { totalQuantity: 1 }), 'x-sold-out'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-closed', { claimableUntil: '2020-01-01T00:00:00.000Z' }), 'x-closed'),
      await sendCommand(CatalogCommandTypes.createCoupon, coupon('x-future', { claimableFrom: '2099-01-01T00:00:00.000Z' }), 'x-future'),
      await sendCommand(CatalogCommandTypes.setCouponStatus, { couponId: 'x-paused', status: 'PAUSED' }, 'x-paused'),
      await sendCommand(CatalogCommandTypes.setStoreDisplays, { storeId: 'shop', items: [{ sku: 'cake', headline: 'Fresh today' }, { sku: 'tea', headline: 'New' }] }, 'shop'),
    ];
    for (const c of setup) await outcomeOf(c);
    // The gateway answers scans from these events (its scan read model): folded here by the same engine.
    const engine = new ScanModel();
    for (const e of events) engine.applyCatalog(e as unknown as CatalogEvent);
    engine.applyIssued((await claim('x-sold-out', 1)).payload.couponId, 1);
    const scan = (q: ScanQuery) => engine.scan(q, Date.now());

    const r = scan({ gtin: '00000000000017', storeId: 'shop' });
    expect(r.product).toEqual({ sku: 'tea', gtin: '00000000000017', name: 'Green tea', price: 1000, currency: 'CNY', merchantId: DEFAULT_MERCHANT_ID });
    expect(r.storeId).toBe('shop');
    const ours = r.coupons.filter((o) => o.couponId.startsWith('s-') || o.couponId.startsWith('x-'));
    expect(ours.map((o) => [o.couponId, o.matchScore])).toEqual([
      ['s-sku-store', 5],
      ['s-sku-big', 4], // 300 off one unit
      ['s-sku-small', 4], // 10% of 1000 = 100
      ['s-cat-b', 2], // priority 1
      ['s-cat-a', 2], // claimableUntil set (earlier than open-ended)
      ['s-cat-c', 2],
      ['s-all', 0],
    ]);
    expect(r.best?.couponId).toBe('s-sku-store');
    expect(r.coupons[0]).toEqual(r.best);
    expect(r.best).toEqual({
      couponId: 's-sku-store', merchantId: DEFAULT_MERCHANT_ID, title: 's-sku-store', discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: { skus: ['tea'] },
      storeIds: ['shop'], claimableUntil: null, remaining: 100, matchScore: 5,
    });
    expect(r.displays).toEqual([
      { sku: 'cake', name: 'Cake', headline: 'Fresh today', price: 2500, currency: 'CNY' },
      { sku: 'tea', name: 'Green tea', headline: 'New', price: 1000, currency: 'CNY' },
    ]);

    // Unknown store: echoed as null, store coupons not excluded; unknown product: null, only whole-order coupons.
    const unknownStore = scan({ sku: 'tea', storeId: 'nowhere' });
    expect(unknownStore).toMatchObject({ storeId: null, displays: [] });
    expect(unknownStore.coupons.map((o) => o.couponId)).toEqual(expect.arrayContaining(['x-other-store', 's-sku-store']));
    const noProduct = scan({ gtin: '00000000000024', storeId: 'shop' });
    expect(noProduct.product).toBeNull();
    expect(noProduct.coupons.every((o) => Object.keys(o.target).length === 0)).toBe(true);
  });

  it('folds CouponClaimed into issued and remaining, once per event, and redemptions into redeemed', async () => {
    await outcomeOf(await sendCommand(CatalogCommandTypes.createCoupon, coupon('c-stock', { totalQuantity: 5 }), 'c-stock'));
    const claimed = await claim('c-stock', 1);
    await claim('c-stock', 2);
    await producer.send({ topic: Topics.walletEvents, messages: [{ key: 'c-stock', value: JSON.stringify(claimed) }] }); // redelivery
    await waitFor(async () => (await db.query(`SELECT issued FROM coupon_usage WHERE coupon_id = 'c-stock'`))[0]?.issued === 2, 'issued = 2');
    const redeemed = envelope('CouponRedeemed', { claimId: 'cl-1', couponId: 'c-stock', userId: 'u-1', orderId: 'o-1', redeemedAt: new Date().toISOString() }, { aggregateId: 'u-1', correlationId: randomUUID() });
    await producer.send({ topic: Topics.orderingEvents, messages: [{ key: 'u-1', value: JSON.stringify(redeemed) }] });
    await waitFor(async () => (await db.query(`SELECT redeemed FROM coupon_usage WHERE coupon_id = 'c-stock'`))[0]?.redeemed === 1, 'redeemed = 1');

    expect(await query(Queries.getCoupon, { couponId: 'c-stock' })).toMatchObject({ ok: true, value: { issued: 2, redeemed: 1, totalQuantity: 5 } });
  });

  it('serves Prometheus metrics with consumed-message outcomes', async () => {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(text).toMatch(/messages_consumed_total\{[^}]*topic="catalog.commands.v1"[^}]*outcome="done"[^}]*\} \d+/);
    expect(text).toMatch(/messages_consumed_total\{[^}]*outcome="duplicate"[^}]*\} \d+/);
    expect(text).toMatch(/outbox_published_total\{[^}]*\} \d+/);
  });
});

let claimSeq = 0;
async function claim(couponId: string, issuedCount: number): Promise<Envelope<CouponClaimed>> {
  const payload: CouponClaimed = {
    claimId: `cl-${++claimSeq}`, couponId, userId: `u-${claimSeq}`, title: couponId, discount: { type: 'AMOUNT_OFF', amount: 100 },
    claimedAt: new Date().toISOString(), validUntil: null, issuedCount,
  };
  const e = envelope('CouponClaimed', payload, { aggregateId: couponId, correlationId: randomUUID() });
  await producer.send({ topic: Topics.walletEvents, acks: -1, messages: [{ key: couponId, value: JSON.stringify(e) }] });
  return e;
}

describe('catalog replay', () => {
  const readAll = (topics: string[]) => readEnvelopes(kafka, topics);

  const snapshot = (ds: DataSource) =>
    Promise.all([
      ds.query(`SELECT * FROM store ORDER BY store_id`),
      ds.query(`SELECT * FROM product ORDER BY sku`),
      ds.query(`SELECT * FROM coupon ORDER BY coupon_id`),
      ds.query(`SELECT * FROM coupon_usage ORDER BY coupon_id`),
      ds.query(`SELECT * FROM store_display ORDER BY store_id, position`),
      ds.query(`SELECT command_id, outcome FROM command_outcome ORDER BY command_id`),
      ds.query(`SELECT consumer, message_id FROM processed_message ORDER BY consumer, message_id`),
    ]);

  const own = (e: Envelope) => (Object.values(CatalogEventTypes) as string[]).includes(e.type);
  /** Folds a run of events as the replay engine does: own events as they are, consumed ones deduped by id. */
  const foldNow = (ds: DataSource, events: Envelope[]) =>
    ds.transaction(async (em) => [
      ...(await catalogProjection.applyMany(em, events.filter(own))),
      ...(await catalogProjection.applyConsumed(em, Topics.walletEvents, 0, events.filter((e) => !own(e)).map((envelope) => ({ envelope, offset: '0' })))),
    ]);

  it('folding the topics from offset 0 into an empty schema rebuilds identical rows (one code path)', async () => {
    // Let the relay publish everything decided so far.
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 'an empty outbox');
    const replayed = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_replay' }));
    await replayed.initialize();
    try {
      await runMigrationsWithLock(replayed);
      for (const e of await readAll(catalogProjection.topics as string[])) await foldNow(replayed, [e]);
      const [live, rebuilt] = await Promise.all([snapshot(db), snapshot(replayed)]);
      // Live also recorded each command id when it decided it; the replay records it from the outcome's causationId.
      expect(rebuilt).toEqual(live);
      expect(live[2].length).toBeGreaterThan(10);
    } finally {
      await replayed.destroy();
    }
  });

  it('folding them in batches, as the replay engine does (runs of one type at once, consumed events twice), rebuilds the same rows', async () => {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 'an empty outbox');
    const all = await readAll(catalogProjection.topics as string[]);
    const live = await snapshot(db);
    expect(live[3].some((u: { issued: number }) => u.issued > 1)).toBe(true);
    const batched = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_replay_batched' }));
    await batched.initialize();
    try {
      await runMigrationsWithLock(batched);
      for (let i = 0; i < all.length; i += 50) {
        const batch = all.slice(i, i + 50);
        const consumed = batch.filter((e) => !own(e));
        const results = await foldNow(batched, [...batch, ...consumed]);
        expect(results.slice(results.length - consumed.length).every((r) => r !== 'applied')).toBe(true);
      }
      expect(await snapshot(batched)).toEqual(live);
    } finally {
      await batched.destroy();
    }
  });
});

describe('catalog migrations', () => {
  it('migrate up in sync with the entities and down to nothing', async () => {
    const ds = new DataSource(catalogDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'catalog_migrations' }));
    await ds.initialize();
    try {
      expect(await runMigrationsWithLock(ds)).toEqual([
        'InitialCatalogSchema1764040000000', 'CatalogDecisionPipeline1764040400000', 'MerchantTenancy1764040500000', 'CatalogCreationTimes1764040560000',
        'CouponDailyCaps1764040600000', 'CouponStockTerms1764045150000',
      ]);
      await assertSchemaInSync(ds);
      for (let i = 0; i < 6; i++) await ds.undoLastMigration();
      const left = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'catalog_migrations' AND table_name <> 'migrations'`);
      expect(left).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});

describe('hand-written SQL', () => {
  it('every INSERT the service ran carries every column of its entity (a column added to an entity fails here)', () => {
    const ds = app.get(DataSource);
    const { gaps, tables } = insertColumnGaps(ds, statements, { outbox: ['published_at'] });
    expect(gaps).toEqual([]);
    expect(tables).toEqual(expect.arrayContaining(['command_outcome', 'coupon', 'coupon_usage', 'outbox', 'processed_message', 'product', 'store']));
    // The check itself: a statement that leaves columns out is reported.
    expect(insertColumnGaps(ds, ['INSERT INTO coupon_catalog.coupon_usage (coupon_id, issued) VALUES ($1, $2)']).gaps).toEqual([expect.objectContaining({ table: 'coupon_usage' })]);
  });
});
