import {
  CouponClaimed, Envelope, OrderListView, OrderProcessed, OrderView, PlaceOrder, Queries, QueryReply, Topics, TopicPosition, decodeOrderCursor,
  envelope,
} from '@coupons/contracts';
import { createKafka, decodeWithUpcasters, findCommandOutcome } from '@coupons/messaging';
import { assertSchemaInSync, runMigrationsWithLock, validateEnv } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, insertColumnGaps, readEnvelopes, recordStatements, testBroker } from '@coupons/testing';
import { ClientKafka } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import { ORDERING_QUERY_PATTERNS, startOrdering } from './bootstrap';
import { orderingDataSourceOptions } from './database/data-source';
import { OrderingEnv } from './env';
import { OrderingMessagesService } from './ordering/ordering-messages.service';
import { orderingProjection } from './ordering/ordering.projection';
import { claimsQuery } from './ordering/ordering-state';
import { runReadsQuery } from './ordering/order-run';
import { unseen, unseenQuery } from './ordering/read-your-writes';

jest.setTimeout(90_000);

/** Read-your-writes bound of the service under test (short, so the timeout case stays quick). */
const SEEN_TIMEOUT_MS = 2_000;

let broker: RunningBroker;
/** Every statement the service ran (hand-written SQL checked against the entities at the end). */
let statements: string[] = [];
let kafka: Kafka;
let app: NestFastifyApplication;
let db: DataSource;
let queries: ClientKafka;
let producer: Producer;
let eventReader: Consumer;
let url: string;
const events: Envelope[] = [];

const query = <T>(pattern: string, payload: object) =>
  firstValueFrom(queries.send<QueryReply<T>>(pattern, { value: payload }).pipe(timeout(20_000)));

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const event = (type: string, payload: object, key: string): Envelope => envelope(type, payload, { aggregateId: key, correlationId: randomUUID() });

async function publish(topic: string, e: Envelope, partition?: number): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key: e.aggregateId, value: JSON.stringify(e), ...(partition !== undefined ? { partition } : {}) }] });
}

/** The answer of a command: the one event caused by it. */
const outcomeOf = (cmd: Envelope) => waitFor(() => events.find((e) => e.causationId === cmd.eventId), `the outcome of ${cmd.type} ${cmd.eventId}`);
const causedBy = (e: Envelope) => events.filter((x) => x.causationId === e.eventId);

function placeOrder(p: Omit<PlaceOrder, 'orderId' | 'requestedAt'> & { orderId?: string }, commandId = randomUUID()): Envelope<PlaceOrder> {
  const payload: PlaceOrder = { orderId: p.orderId ?? `o-${randomUUID().slice(0, 8)}`, requestedAt: new Date().toISOString(), ...p };
  return envelope('PlaceOrder', payload, { aggregateId: p.userId, correlationId: randomUUID(), eventId: commandId });
}

async function send(cmd: Envelope): Promise<Envelope> {
  await publish(Topics.orderingCommands, cmd);
  return cmd;
}

const processed = async (cmd: Envelope) => {
  const e = await outcomeOf(cmd);
  if (e.type !== 'OrderProcessed') throw new Error(`expected OrderProcessed, got ${e.type}: ${JSON.stringify(e.payload)}`);
  return e as Envelope<OrderProcessed>;
};

const DAY = 86_400_000;
const future = new Date(Date.now() + 30 * DAY).toISOString();

function couponCreated(couponId: string, over: Record<string, unknown> = {}): Envelope {
  return event('CouponCreated', {
    couponId, title: couponId, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 100,
    perUserLimit: 5, priority: 0, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z', ...over,
  }, couponId);
}

let claimSeq = 0;
function claimed(couponId: string, userId: string, over: Partial<CouponClaimed> = {}): Envelope<CouponClaimed> {
  const payload: CouponClaimed = {
    claimId: `cl-${++claimSeq}-${couponId}`, couponId, userId, title: `title of ${couponId}`, discount: { type: 'AMOUNT_OFF', amount: 100 },
    claimedAt: new Date(Date.parse('2026-06-01T00:00:00.000Z') + claimSeq * 1000).toISOString(), validUntil: future, issuedCount: claimSeq, ...over,
  };
  return envelope('CouponClaimed', payload, { aggregateId: couponId, correlationId: randomUUID() });
}

/** Publishes claims and waits until ordering has folded them. */
async function claims(...list: Envelope<CouponClaimed>[]): Promise<Envelope<CouponClaimed>[]> {
  for (const c of list) await publish(Topics.walletEvents, c);
  for (const c of list) await waitFor(async () => (await db.query(`SELECT 1 FROM user_claim WHERE claim_id = $1`, [c.payload.claimId])).length === 1, `claim ${c.payload.claimId}`);
  return list;
}

beforeAll(async () => {
  broker = await testBroker();
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'ordering');
  const env = validateEnv(OrderingEnv)({
    KAFKA_BROKERS: broker.brokers, DATABASE_URL: url, LOG_LEVEL: 'warn', INSTANCE_ID: 'ordering-test', ORDER_SEEN_TIMEOUT_MS: String(SEEN_TIMEOUT_MS),
  });
  expect(env.ORDER_SEEN_TIMEOUT_MS).toBe(SEEN_TIMEOUT_MS);
  app = await startOrdering({ ...env, HTTP_PORT: 0 } as OrderingEnv, { host: '127.0.0.1', messaging: { relayPollIntervalMs: 100, retry: { initialMs: 50, maxMs: 500 } } });
  statements = recordStatements(app.get(DataSource));
  db = new DataSource(orderingDataSourceOptions(env));
  await db.initialize();
  kafka = createKafka(broker.brokers.split(','), 'ordering-test');
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  eventReader = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await eventReader.connect();
  await eventReader.subscribe({ topics: [Topics.orderingEvents], fromBeginning: true });
  await eventReader.run({ eachMessage: async ({ message }) => void events.push(JSON.parse(message.value!.toString())) });
  queries = new ClientKafka({ client: { clientId: 'ordering-test-queries', brokers: broker.brokers.split(',') }, consumer: { groupId: `ordering-test-${randomUUID()}` } });
  for (const p of ORDERING_QUERY_PATTERNS) queries.subscribeToResponseOf(p);
  await queries.connect();

  // The catalog as ordering sees it.
  const catalog = [
    event('StoreUpserted', { storeId: 's-1', name: 'Shop' }, 's-1'),
    event('StoreUpserted', { storeId: 's-2', name: 'Other shop' }, 's-2'),
    event('ProductUpserted', { sku: 'tea', name: 'Tea', price: 1000, currency: 'CNY', gtin: null, category: 'drinks', brand: 'Leaf' }, 'tea'),
    event('ProductUpserted', { sku: 'cake', name: 'Cake', price: 2500, currency: 'CNY', gtin: null, category: 'bakery', brand: null }, 'cake'),
    event('ProductUpserted', { sku: 'usd-gum', name: 'Gum', price: 100, currency: 'USD', gtin: null, category: null, brand: null }, 'usd-gum'),
    // 5 off drinks from 10, only in s-1
    couponCreated('c-drinks5', { discount: { type: 'AMOUNT_OFF', amount: 500 }, minSpend: 1000, target: { categories: ['drinks'] }, storeIds: ['s-1'] }),
    // 10% off the whole order, capped at 3
    couponCreated('c-pct10', { discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: 300 } }),
    // 20 off from 1000 spent: never reached here
    couponCreated('c-huge', { discount: { type: 'AMOUNT_OFF', amount: 2000 }, minSpend: 100_000 }),
    couponCreated('c-one', { discount: { type: 'AMOUNT_OFF', amount: 700 } }),
  ];
  for (const e of catalog) await publish(Topics.catalogEvents, e);
  await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM coupon_terms`))[0].n === 4, 'the coupon terms');
  await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM product`))[0].n === 3, 'the products');
});

afterAll(async () => {
  await queries?.close();
  await eventReader?.disconnect();
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

  it('folds catalog products/stores/coupons and wallet claims from Kafka, recording how far each partition is folded', async () => {
    const [c] = await claims(claimed('c-drinks5', 'u-fold', { claimId: 'cl-fold', validUntil: '2026-03-01T00:00:00.000Z' }));
    expect(await db.query(`SELECT sku, price, category FROM product WHERE sku = 'tea'`)).toEqual([{ sku: 'tea', price: '1000', category: 'drinks' }]);
    expect(await db.query(`SELECT store_id FROM store ORDER BY store_id`)).toEqual([{ store_id: 's-1' }, { store_id: 's-2' }]);
    expect(await db.query(`SELECT coupon_id, min_spend, store_ids FROM coupon_terms WHERE coupon_id = 'c-drinks5'`)).toEqual([{ coupon_id: 'c-drinks5', min_spend: '1000', store_ids: ['s-1'] }]);
    expect(c.payload.userId).toBe('u-fold');
    const positions: Array<{ next_offset: string }> = await db.query(`SELECT next_offset FROM fold_position WHERE topic = $1`, [Topics.walletEvents]);
    expect(positions.reduce((n, p) => n + Number(p.next_offset), 0)).toBe(1);
  });

  it('shows a folded order to its owner only, and records it as the command outcome', async () => {
    const p: OrderProcessed = {
      orderId: 'o-1', userId: 'u-1', storeId: 's-1', items: [{ sku: 'tea', quantity: 2, unitPrice: 1000, lineTotal: 2000 }], subtotal: 2000, discount: 500,
      total: 1500, currency: 'CNY', appliedCoupon: { claimId: 'cl-x', couponId: 'c-drinks5', title: '5 off' }, processedAt: '2026-02-02T00:00:00.000Z',
    };
    const e = envelope('OrderProcessed', p, { aggregateId: 'u-1', correlationId: 'corr', causationId: 'cmd-1' });
    expect(await db.transaction((em) => orderingProjection.applyMany(em, [e]))).toEqual(['applied']);
    await publish(Topics.orderingEvents, e); // the topic is the record (replay below)
    expect(await query<OrderView>(Queries.getOrder, { orderId: 'o-1', userId: 'u-1' })).toEqual({
      ok: true,
      value: {
        orderId: 'o-1', status: 'PROCESSED', storeId: 's-1', items: [{ sku: 'tea', quantity: 2, unitPrice: 1000, lineTotal: 2000 }],
        subtotal: 2000, discount: 500, total: 1500, currency: 'CNY', appliedCoupon: { claimId: 'cl-x', couponId: 'c-drinks5', title: '5 off' },
      },
    });
    expect(await query(Queries.getOrder, { orderId: 'o-1', userId: 'someone-else' })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' });
    expect(await query(Queries.commandOutcome.ordering, { commandId: 'cmd-1' })).toEqual({ ok: true, value: e });
  });

  it('lists a user\'s own orders newest first, page by page, ties broken by order id', async () => {
    const folded = async (orderId: string, userId: string, processedAt: string) => {
      const p: OrderProcessed = {
        orderId, userId, storeId: 's-1', items: [{ sku: 'tea', quantity: 1, unitPrice: 1000, lineTotal: 1000 }], subtotal: 1000, discount: 0, total: 1000,
        currency: 'CNY', appliedCoupon: null, processedAt,
      };
      const e = envelope('OrderProcessed', p, { aggregateId: userId, correlationId: randomUUID() });
      await db.transaction((em) => orderingProjection.applyMany(em, [e]));
      await publish(Topics.orderingEvents, e); // the topic is the record (replay below)
    };
    await folded('o-list-a', 'u-list', '2026-03-01T00:00:00.000Z');
    await folded('o-list-c', 'u-list', '2026-03-03T00:00:00.000Z');
    await folded('o-list-b1', 'u-list', '2026-03-02T00:00:00.000Z');
    await folded('o-list-b2', 'u-list', '2026-03-02T00:00:00.000Z');
    await folded('o-list-other', 'u-list-other', '2026-03-04T00:00:00.000Z');

    const seen: string[] = [];
    let cursor: { afterProcessedAt: string; afterOrderId: string } | undefined;
    for (let page = 0; page < 3; page++) {
      const reply = await query<OrderListView>(Queries.listOrders, { userId: 'u-list', limit: 3, ...cursor });
      if (!reply.ok) throw new Error(reply.message);
      seen.push(...reply.value.orders.map((o) => o.orderId));
      if (!reply.value.nextCursor) break;
      const decoded = decodeOrderCursor(reply.value.nextCursor)!;
      cursor = { afterProcessedAt: decoded.processedAt, afterOrderId: decoded.orderId };
    }
    expect(seen).toEqual(['o-list-c', 'o-list-b2', 'o-list-b1', 'o-list-a']);
    const first = await query<OrderListView>(Queries.listOrders, { userId: 'u-list', limit: 1 });
    expect(first).toMatchObject({
      ok: true, value: { orders: [{ orderId: 'o-list-c', status: 'PROCESSED', processedAt: '2026-03-03T00:00:00.000Z', cancelledAt: null, items: [{ sku: 'tea' }] }] },
    });
    expect(await query<OrderListView>(Queries.listOrders, { userId: 'u-list-none', limit: 10 })).toEqual({ ok: true, value: { orders: [], nextCursor: null } });
    expect(await query(Queries.listOrders, { userId: 'u-list', limit: 101 })).toMatchObject({ ok: false });
  });
});

describe('order decisions', () => {
  it('refuses an unknown store, unknown skus (naming items[i].sku) and mixed currencies', async () => {
    const store = await send(placeOrder({ userId: 'u-r', storeId: 's-none', items: [{ sku: 'tea', quantity: 1 }] }));
    expect((await outcomeOf(store)).payload).toMatchObject({ code: 'UNKNOWN_STORE', details: [{ field: 'storeId' }] });
    const sku = await send(placeOrder({ userId: 'u-r', storeId: 's-1', items: [{ sku: 'tea', quantity: 1 }, { sku: 'ghost', quantity: 1 }, { sku: 'ghost2', quantity: 2 }] }));
    expect(await outcomeOf(sku)).toMatchObject({
      type: 'OrderRejected',
      aggregateId: 'u-r',
      payload: { code: 'UNKNOWN_SKU', details: [{ field: 'items[1].sku', message: 'unknown sku ghost' }, { field: 'items[2].sku', message: 'unknown sku ghost2' }] },
    });
    const currency = await send(placeOrder({ userId: 'u-r', storeId: 's-1', items: [{ sku: 'tea', quantity: 1 }, { sku: 'usd-gum', quantity: 1 }] }));
    expect((await outcomeOf(currency)).payload).toMatchObject({ code: 'CURRENCY_MISMATCH', details: [{ field: 'items[1].sku' }] });
    expect(await db.query(`SELECT count(*)::int AS n FROM customer_order WHERE user_id = 'u-r'`)).toEqual([{ n: 0 }]);
  });

  it('prices from the catalog and picks the best of several claims, redeeming it with the order in one go', async () => {
    const [drinks, pct, huge] = await claims(claimed('c-drinks5', 'u-best'), claimed('c-pct10', 'u-best'), claimed('c-huge', 'u-best'));
    // tea 3 x 1000 = 3000 at s-1: drinks5 -> 500 (eligible 3000 >= 1000); pct10 -> 10% of 3000 = 300 (cap 300); huge: minSpend.
    const cmd = await send(placeOrder({ userId: 'u-best', storeId: 's-1', items: [{ sku: 'tea', quantity: 3 }] }));
    const out = await processed(cmd);
    expect(out.payload).toMatchObject({
      items: [{ sku: 'tea', quantity: 3, unitPrice: 1000, lineTotal: 3000 }], subtotal: 3000, discount: 500, total: 2500, currency: 'CNY',
      appliedCoupon: { claimId: drinks.payload.claimId, couponId: 'c-drinks5', title: drinks.payload.title },
    });
    // The redemption is caused by the order (the command's one answer is OrderProcessed).
    const redeemed = await waitFor(() => causedBy(out)[0], 'CouponRedeemed');
    expect(redeemed).toMatchObject({ type: 'CouponRedeemed', aggregateId: 'u-best', payload: { claimId: drinks.payload.claimId, orderId: out.payload.orderId } });
    expect(events.filter((e) => e.causationId === cmd.eventId)).toHaveLength(1);
    expect(await db.query(`SELECT order_id FROM redemption WHERE claim_id = $1`, [drinks.payload.claimId])).toEqual([{ order_id: out.payload.orderId }]);

    // Same basket at s-2: drinks5 is store-restricted, so 10% capped at 300 wins; huge never applies.
    const second = await processed(await send(placeOrder({ userId: 'u-best', storeId: 's-2', items: [{ sku: 'tea', quantity: 4 }] })));
    expect(second.payload).toMatchObject({ subtotal: 4000, discount: 300, total: 3700, appliedCoupon: { claimId: pct.payload.claimId } });
    // Nothing left that applies: no coupon, full price.
    const third = await processed(await send(placeOrder({ userId: 'u-best', storeId: 's-1', items: [{ sku: 'tea', quantity: 1 }] })));
    expect(third.payload).toMatchObject({ subtotal: 1000, discount: 0, total: 1000, appliedCoupon: null });
    expect(await db.query(`SELECT 1 FROM redemption WHERE claim_id = $1`, [huge.payload.claimId])).toEqual([]);
  });

  it('applies no coupon with couponId null, and the named one (or refuses 409 COUPON_NOT_APPLICABLE) with a couponId', async () => {
    const [drinks, pct] = await claims(claimed('c-drinks5', 'u-named'), claimed('c-pct10', 'u-named'));
    await claims(claimed('c-one', 'u-other'));
    const basket = { userId: 'u-named', storeId: 's-1', items: [{ sku: 'tea', quantity: 2 }, { sku: 'cake', quantity: 1 }] }; // 2000 + 2500
    const none = await processed(await send(placeOrder({ ...basket, couponId: null })));
    expect(none.payload).toMatchObject({ subtotal: 4500, discount: 0, total: 4500, appliedCoupon: null });
    expect(causedBy(none)).toEqual([]);

    // The named coupon even though drinks5 (500) is better: 10% of 4500 = 450, capped at 300.
    const named = await processed(await send(placeOrder({ ...basket, couponId: 'c-pct10' })));
    expect(named.payload).toMatchObject({ discount: 300, total: 4200, appliedCoupon: { claimId: pct.payload.claimId, couponId: 'c-pct10' } });

    const refusals: Array<[Omit<PlaceOrder, 'orderId' | 'requestedAt'>, RegExp]> = [
      [{ ...basket, couponId: 'c-one' }, /hold no claim/], // another user's coupon
      [{ ...basket, couponId: 'c-pct10' }, /already used/], // spent just above
      [{ ...basket, storeId: 's-2', couponId: 'c-drinks5' }, /not valid in this store/],
      [{ ...basket, items: [{ sku: 'cake', quantity: 1 }], couponId: 'c-drinks5' }, /no item of the order is eligible/],
      [{ ...basket, items: [{ sku: 'cake', quantity: 1 }], couponId: 'c-huge' }, /hold no claim/],
    ];
    for (const [order, why] of refusals) {
      const out = await outcomeOf(await send(placeOrder(order)));
      expect(out).toMatchObject({ type: 'OrderRejected', payload: { code: 'COUPON_NOT_APPLICABLE', details: [{ field: 'couponId' }] } });
      expect((out.payload as { message: string }).message).toMatch(why);
    }
    expect(await db.query(`SELECT 1 FROM redemption WHERE claim_id = $1`, [drinks.payload.claimId])).toEqual([]);
  });

  it('decides a duplicate command once: one order, one outcome, the stored outcome answered', async () => {
    await claims(claimed('c-one', 'u-dup'));
    const cmd = placeOrder({ userId: 'u-dup', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] });
    await send(cmd);
    await send(cmd);
    const first = await processed(cmd);
    const marker = await send(placeOrder({ userId: 'u-dup', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })); // same key, same partition
    expect((await processed(marker)).payload.appliedCoupon).toBeNull();
    expect(events.filter((e) => e.causationId === cmd.eventId)).toEqual([first]);
    expect(await db.query(`SELECT count(*)::int AS n FROM customer_order WHERE order_id = $1`, [cmd.payload.orderId])).toEqual([{ n: 1 }]);
    expect(await query(Queries.commandOutcome.ordering, { commandId: cmd.eventId })).toEqual({ ok: true, value: first });
  });

  it('cancels an order and gives its coupon back once; cancelling again or cancelling another user\'s order is refused', async () => {
    const [one] = await claims(claimed('c-one', 'u-cancel'));
    const order = await processed(await send(placeOrder({ userId: 'u-cancel', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })));
    expect(order.payload).toMatchObject({ discount: 700, total: 1800, appliedCoupon: { claimId: one.payload.claimId } });
    const cancelOf = (userId: string) =>
      envelope('CancelOrder', { orderId: order.payload.orderId, userId, requestedAt: new Date().toISOString() }, { aggregateId: userId, correlationId: randomUUID() });

    const stranger = await outcomeOf(await send(cancelOf('u-stranger')));
    expect(stranger).toMatchObject({ type: 'OrderCancelRejected', payload: { code: 'ORDER_NOT_FOUND' } });
    const cancelled = await outcomeOf(await send(cancelOf('u-cancel')));
    expect(cancelled).toMatchObject({ type: 'OrderCancelled', payload: { orderId: order.payload.orderId } });
    expect(await waitFor(() => causedBy(cancelled)[0], 'CouponReleased')).toMatchObject({ type: 'CouponReleased', payload: { claimId: one.payload.claimId, orderId: order.payload.orderId } });
    expect(await outcomeOf(await send(cancelOf('u-cancel')))).toMatchObject({ type: 'OrderCancelRejected', payload: { code: 'ALREADY_CANCELLED' } });
    expect(await query(Queries.getOrder, { orderId: order.payload.orderId, userId: 'u-cancel' })).toMatchObject({ ok: true, value: { status: 'CANCELLED' } });
    expect(await db.query(`SELECT 1 FROM redemption WHERE claim_id = $1`, [one.payload.claimId])).toEqual([]);

    // The coupon is AVAILABLE again: the next order spends it.
    const again = await processed(await send(placeOrder({ userId: 'u-cancel', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })));
    expect(again.payload.appliedCoupon?.claimId).toBe(one.payload.claimId);
  });

  it('keeps an expired claim out of orders, and spent when its order is cancelled after expiry', async () => {
    const [soon] = await claims(claimed('c-one', 'u-exp', { validUntil: new Date(Date.now() + 1500).toISOString() }));
    const order = await processed(await send(placeOrder({ userId: 'u-exp', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })));
    expect(order.payload.appliedCoupon?.claimId).toBe(soon.payload.claimId);
    await new Promise((r) => setTimeout(r, 1600));
    const cancel = envelope('CancelOrder', { orderId: order.payload.orderId, userId: 'u-exp', requestedAt: new Date().toISOString() }, { aggregateId: 'u-exp', correlationId: randomUUID() });
    const cancelled = await outcomeOf(await send(cancel));
    expect(cancelled.type).toBe('OrderCancelled');
    const [expired] = await claims(claimed('c-one', 'u-exp', { validUntil: new Date(Date.now() - 1000).toISOString() }));
    const next = await processed(await send(placeOrder({ userId: 'u-exp', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })));
    expect(next.payload.appliedCoupon).toBeNull();
    expect(causedBy(cancelled)).toEqual([]); // no CouponReleased: the claim had expired
    expect(await db.query(`SELECT order_id FROM redemption WHERE claim_id = $1`, [soon.payload.claimId])).toEqual([{ order_id: order.payload.orderId }]);
    expect(expired.payload.userId).toBe('u-exp');
  });
});

describe('single use', () => {
  it('the database refuses a second active redemption of a claim', async () => {
    await db.query(`INSERT INTO redemption (claim_id, order_id, user_id, redeemed_at) VALUES ('cl-db', 'o-a', 'u-db', now())`);
    await expect(db.query(`INSERT INTO redemption (claim_id, order_id, user_id, redeemed_at) VALUES ('cl-db', 'o-b', 'u-db', now())`)).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23505', constraint: 'redemption_pkey' }),
    });
    await db.query(`DELETE FROM redemption WHERE claim_id = 'cl-db'`);
  });

  it('orders decided concurrently (as by two instances during a rebalance) spend a claim once, the loser re-deciding', async () => {
    const service = app.get(OrderingMessagesService);
    for (let round = 0; round < 5; round++) {
      const userId = `u-race-${round}`;
      const [only] = await claims(claimed('c-one', userId));
      const cmds = Array.from({ length: 4 }, () => placeOrder({ userId, storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] }));
      const outcomes = await Promise.all(cmds.map((c) => service.orders.decideRun([c]).then((r) => r[0])));
      expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done']);
      const rows: Array<{ applied_claim_id: string | null }> = await db.query(`SELECT applied_claim_id FROM customer_order WHERE user_id = $1`, [userId]);
      expect(rows).toHaveLength(4);
      expect(rows.filter((r) => r.applied_claim_id === only.payload.claimId)).toHaveLength(1);
      expect(rows.filter((r) => r.applied_claim_id === null)).toHaveLength(3);
    }
    // The races were real: losers hit the redemption constraint and decided again (not a serial run in disguise).
    expect(await (await fetch(`${await app.getUrl()}/metrics`)).text()).toMatch(/order_redecided_total\{[^}]*\} [1-9]/);
  });
});

describe('runs of commands (group commit)', () => {
  it('decides a run in one transaction as one by one: each order sees the ones before it; repeats and cancels in between', async () => {
    const service = app.get(OrderingMessagesService);
    const [one, pct] = await claims(claimed('c-one', 'u-run'), claimed('c-pct10', 'u-run'));
    const cake = { userId: 'u-run', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] }; // 2500: c-one 700, c-pct10 250
    const first = placeOrder(cake);
    const second = placeOrder(cake);
    const third = placeOrder(cake);
    const cancel = envelope('CancelOrder', { orderId: first.payload.orderId, userId: 'u-run', requestedAt: new Date().toISOString() }, { aggregateId: 'u-run', correlationId: randomUUID() });
    const fourth = placeOrder(cake);
    const outcomes = await service.orders.decideRun([first, second, first, third, cancel, fourth]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'duplicate', 'done', 'done', 'done']);
    const stored = async (cmd: Envelope) => (await findCommandOutcome(db, cmd.eventId))!;
    const applied = async (cmd: Envelope) => ((await stored(cmd)).payload as OrderProcessed).appliedCoupon?.claimId ?? null;
    expect(await applied(first)).toBe(one.payload.claimId);
    expect(await applied(second)).toBe(pct.payload.claimId);
    expect(await applied(third)).toBeNull();
    expect((await stored(cancel)).type).toBe('OrderCancelled');
    expect(await applied(fourth)).toBe(one.payload.claimId); // given back by the cancel, in the same run
    // Published in decision order, each redemption right after its order.
    const published = await waitFor(() => {
      const mine = events.filter((e) => (e.payload as { userId?: string }).userId === 'u-run');
      return mine.length === 9 && mine;
    }, 'the run published');
    expect(published.map((e) => e.type)).toEqual([
      'OrderProcessed', 'CouponRedeemed', 'OrderProcessed', 'CouponRedeemed', 'OrderProcessed', 'OrderCancelled', 'CouponReleased', 'OrderProcessed', 'CouponRedeemed',
    ]);
    expect(await db.query(`SELECT order_id FROM redemption WHERE claim_id = $1`, [one.payload.claimId])).toEqual([{ order_id: fourth.payload.orderId }]);
  });

  it('an order id repeated under a new command id, in the run or from before it, is answered as decided and spends nothing', async () => {
    const service = app.get(OrderingMessagesService);
    const [one, pct] = await claims(claimed('c-one', 'u-rerun'), claimed('c-pct10', 'u-rerun'));
    const cake = { userId: 'u-rerun', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] };
    const before = placeOrder(cake);
    expect(await service.orders.decideRun([before, placeOrder(cake)])).toHaveLength(2);
    const first = placeOrder(cake);
    const again = placeOrder({ ...cake, orderId: first.payload.orderId });
    const old = placeOrder({ ...cake, orderId: before.payload.orderId });
    const outcomes = await service.orders.decideRun([first, again, old]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done']);
    const stored = async (cmd: Envelope) => (await findCommandOutcome(db, cmd.eventId))!.payload as OrderProcessed;
    expect((await stored(first)).appliedCoupon).toBeNull(); // both claims went to the two orders before
    expect(await stored(again)).toEqual(await stored(first));
    expect(await stored(old)).toEqual(await stored(before));
    expect((await stored(before)).appliedCoupon?.claimId).toBe(one.payload.claimId);
    const rows: Array<{ n: string }> = await db.query(`SELECT count(*) AS n FROM customer_order WHERE user_id = 'u-rerun'`);
    expect(Number(rows[0].n)).toBe(3);
    expect(await db.query(`SELECT claim_id FROM redemption WHERE user_id = 'u-rerun' ORDER BY claim_id`)).toHaveLength(2);
    expect(pct.payload.userId).toBe('u-rerun');
  });

  it('runs decided at the same time (two instances during a rebalance) spend a claim once; a run that loses is decided again whole', async () => {
    const service = app.get(OrderingMessagesService);
    const [only] = await claims(claimed('c-one', 'u-runrace'));
    const runs = [0, 1].map(() => Array.from({ length: 3 }, () => placeOrder({ userId: 'u-runrace', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }] })));
    const outcomes = await Promise.all(runs.map((r) => service.orders.decideRun(r)));
    expect(outcomes.flat().map((o) => o.status)).toEqual(Array(6).fill('done'));
    for (const cmd of runs.flat()) expect((await findCommandOutcome(db, cmd.eventId))?.type).toBe('OrderProcessed');
    const rows: Array<{ applied_claim_id: string | null }> = await db.query(`SELECT applied_claim_id FROM customer_order WHERE user_id = 'u-runrace'`);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.applied_claim_id === only.payload.claimId)).toHaveLength(1);
  });
});

describe('read-your-writes', () => {
  async function endOf(topic: string, partition: number): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)!.high;
    } finally {
      await admin.disconnect();
    }
  }

  it('an order that arrives before its claim is folded waits for the claim, then applies it', async () => {
    const claim = claimed('c-one', 'u-ryw');
    const position: TopicPosition = { topic: Topics.walletEvents, partition: 1, offset: await endOf(Topics.walletEvents, 1) };
    const cmd = await send(placeOrder({ userId: 'u-ryw', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }], mustHaveSeen: [position] }));
    await new Promise((r) => setTimeout(r, 700));
    expect(events.find((e) => e.causationId === cmd.eventId)).toBeUndefined(); // still waiting
    const sentAt = Date.now();
    await publish(Topics.walletEvents, claim, 1); // lands exactly at the awaited offset
    const out = await processed(cmd);
    expect(Date.now() - sentAt).toBeLessThan(SEEN_TIMEOUT_MS);
    expect(out.payload).toMatchObject({ discount: 700, appliedCoupon: { claimId: claim.payload.claimId } });
  });

  it('times out after ORDER_SEEN_TIMEOUT_MS and decides with what is folded (the unseen claim is not applied)', async () => {
    const position: TopicPosition = { topic: Topics.walletEvents, partition: 2, offset: String(BigInt(await endOf(Topics.walletEvents, 2)) + 1000n) };
    const started = Date.now();
    const cmd = await send(placeOrder({ userId: 'u-ryw-late', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }], mustHaveSeen: [position] }));
    const out = await processed(cmd);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SEEN_TIMEOUT_MS);
    expect(out.payload).toMatchObject({ subtotal: 2500, discount: 0, appliedCoupon: null });
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    expect(metrics).toMatch(/order_seen_wait_seconds_count\{[^}]*result="timed_out"[^}]*\} [1-9]/);
  });

  it('waiting for one user never stops the folds: a claim published during the wait is folded before the wait ends', async () => {
    const position: TopicPosition = { topic: Topics.walletEvents, partition: 0, offset: String(BigInt(await endOf(Topics.walletEvents, 0)) + 1000n) };
    const waiting = await send(placeOrder({ userId: 'u-ryw-block', storeId: 's-1', items: [{ sku: 'cake', quantity: 1 }], mustHaveSeen: [position] }));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await claims(claimed('c-one', 'u-ryw-other'));
    expect(Date.now() - started).toBeLessThan(SEEN_TIMEOUT_MS - 200);
    expect(events.find((e) => e.causationId === waiting.eventId)).toBeUndefined();
    await processed(waiting);
  });
});

describe('ordering replay', () => {
  // Read as the replay engine reads them: through the upcasters (the test's catalog events name no merchant).
  const readAll = (topics: string[]) => readEnvelopes(kafka, topics, 30_000, decodeWithUpcasters);

  // fold_position is consumer bookkeeping (like Kafka's committed offsets), not a projection: left out.
  const foldNow = (ds: DataSource, e: Envelope) => ds.transaction((em) => orderingProjection.applyMany(em, [e]));
  const snapshot = (ds: DataSource) =>
    Promise.all([
      ds.query(`SELECT * FROM store ORDER BY store_id`),
      ds.query(`SELECT * FROM product ORDER BY sku`),
      ds.query(`SELECT * FROM coupon_terms ORDER BY coupon_id`),
      ds.query(`SELECT * FROM user_claim ORDER BY claim_id`),
      ds.query(`SELECT * FROM redemption ORDER BY claim_id`),
      ds.query(`SELECT * FROM customer_order ORDER BY order_id`),
      ds.query(`SELECT * FROM order_line ORDER BY order_id, line_no`),
      ds.query(`SELECT command_id, outcome FROM command_outcome ORDER BY command_id`),
    ]);

  it('folding the topics from offset 0 into an empty schema rebuilds identical rows, whatever the order of topics', async () => {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 'an empty outbox');
    const all = await readAll(orderingProjection.topics as string[]);
    const live = await snapshot(db);
    expect(live[5].length).toBeGreaterThan(20);
    expect(live[4].length).toBeGreaterThan(3);
    // Topics interleaved differently: own events first, then catalog, then wallet; and the reverse.
    const byTopic = (types: string[]) => all.filter((e) => types.some((t) => e.type === t));
    const own = all.filter((e) => orderingProjection.handles(e.type) && ['Order', 'CouponRedeemed', 'CouponReleased'].some((p) => e.type.startsWith(p)));
    const catalog = byTopic(['StoreUpserted', 'ProductUpserted', 'CouponCreated']);
    const wallet = byTopic(['CouponClaimed']);
    for (const [schema, order] of [['ordering_replay_a', [...own, ...catalog, ...wallet]], ['ordering_replay_b', [...wallet, ...catalog, ...own]]] as const) {
      const replayed = new DataSource(orderingDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: schema }));
      await replayed.initialize();
      try {
        await runMigrationsWithLock(replayed);
        for (const e of order) await foldNow(replayed, e);
        expect(await snapshot(replayed)).toEqual(live);
      } finally {
        await replayed.destroy();
      }
    }
    // As the replay engine folds them: whole batches, each run of one type through its set-based fold at once.
    const batched = new DataSource(orderingDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'ordering_replay_batched' }));
    await batched.initialize();
    try {
      await runMigrationsWithLock(batched);
      for (const group of [own, catalog, wallet]) await batched.transaction((em) => orderingProjection.applyMany(em, group));
      expect(await snapshot(batched)).toEqual(live);
    } finally {
      await batched.destroy();
    }
  });
});

describe('state reads at scale', () => {
  // An order run reads its users' claims with their terms and redemptions, and the read-your-writes check looks for
  // claims whose terms are not folded yet. Both must stay lookups by index however many claims, coupons and
  // redemptions ordering has folded: as joins, PostgreSQL scanned whole tables for a handful of users, a cost per
  // order that grew with every claim and order ever made. Checked on the plans, at 20,000 claims.
  it('reads a few users\' claims, terms and redemptions by index, without scanning the tables', async () => {
    const ds = new DataSource(orderingDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'ordering_scale' }));
    await ds.initialize();
    try {
      await runMigrationsWithLock(ds);
      await ds.query(`INSERT INTO coupon_terms (coupon_id, merchant_id, title, discount, min_spend, target, store_ids)
        SELECT 'cpn-' || i, 'm', 'T', '{"type":"AMOUNT_OFF","amount":100}', 0, '{}', '{}' FROM generate_series(1, 1000) i`);
      await ds.query(`INSERT INTO user_claim (claim_id, user_id, coupon_id, title, discount, claimed_at)
        SELECT 'clm-' || i, 'user-' || (i % 5000), 'cpn-' || (i % 1000 + 1), 'T', '{}', now() FROM generate_series(1, 20000) i`);
      await ds.query(`INSERT INTO redemption (claim_id, order_id, user_id, redeemed_at)
        SELECT 'clm-' || i, 'ord-' || i, 'user-' || (i % 5000), now() FROM generate_series(1, 10000) i`);
      // Tenancy: 50 merchants selling the same 1,000 skus; an order run reads its store's merchant's products only.
      await ds.query(`INSERT INTO store (store_id, merchant_id, name) SELECT 'st-' || m, 'm-' || m, 'S' FROM generate_series(1, 50) m`);
      await ds.query(`INSERT INTO product (merchant_id, sku, name, price, currency)
        SELECT 'm-' || m, 'sku-' || i, 'P', 100 + m, 'CNY' FROM generate_series(1, 50) m, generate_series(1, 1000) i`);
      await ds.query(`ANALYZE coupon_terms, user_claim, redemption, store, product`);
      const users = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5'];
      const plan = async (sql: string, params: unknown[]) =>
        ((await ds.query(`EXPLAIN ${sql}`, params)) as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n');
      const plans = [
        await plan(unseenQuery(ds), [['wallet.events.v1'], users]),
        await plan(claimsQuery(ds.manager, 'c.user_id = ANY($1::text[])'), [users]),
        await plan(claimsQuery(ds.manager, 'c.user_id = $1'), ['user-1']),
        await plan(runReadsQuery(ds.manager), [['st-7'], ['sku-1', 'sku-2'], ['ord-x'], users]),
      ];
      for (const p of plans) expect(p).not.toMatch(/Seq Scan on (user_claim|redemption|coupon_terms|product)/);
      const [run] = await ds.query(runReadsQuery(ds.manager), [['st-7'], ['sku-1', 'sku-2'], ['ord-x'], ['user-1']]);
      expect(run.products.map((p: { merchantId: string; sku: string; price: number }) => [p.merchantId, p.sku, p.price]).sort())
        .toEqual([['m-7', 'sku-1', 107], ['m-7', 'sku-2', 107]]);
      // And they still answer right: user-1 has 4 claims (2 redeemed), every one with its terms.
      expect(await unseen(ds, [{ topic: 'wallet.events.v1', partition: 0, offset: '0' }], users)).toMatchObject({ termsMissing: false });
      const rows: Array<{ redeemed_by: string | null; has_terms: boolean }> = await ds.query(claimsQuery(ds.manager, 'c.user_id = $1'), ['user-1']);
      expect(rows).toHaveLength(4);
      expect(rows.filter((r) => r.redeemed_by !== null)).toHaveLength(2);
      expect(rows.every((r) => r.has_terms)).toBe(true);
    } finally {
      await ds.query(`DROP SCHEMA IF EXISTS ordering_scale CASCADE`).catch(() => undefined);
      await ds.destroy();
    }
  });
});

describe('ordering migrations', () => {
  it('migrate up in sync with the entities and down to nothing', async () => {
    const ds = new DataSource(orderingDataSourceOptions({ DATABASE_URL: url, DATABASE_SCHEMA: 'ordering_migrations' }));
    await ds.initialize();
    try {
      expect(await runMigrationsWithLock(ds)).toEqual(['InitialOrderingSchema1764040200000', 'OrderingFoldPositions1764040300000', 'OrderingDecisionPipeline1764040400000', 'OrderingMerchantTenancy1764040500000']);
      await assertSchemaInSync(ds);
      await ds.undoLastMigration();
      await ds.undoLastMigration();
      await ds.undoLastMigration();
      await ds.undoLastMigration();
      expect(await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'ordering_migrations' AND table_name <> 'migrations'`)).toEqual([]);
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
    expect(tables).toEqual(expect.arrayContaining(['command_outcome', 'customer_order', 'fold_position', 'order_line', 'outbox', 'product', 'redemption', 'store', 'user_claim']));
    // The check itself: a statement that leaves columns out is reported.
    expect(insertColumnGaps(ds, ['INSERT INTO ordering.product (sku, name, price, currency) VALUES ($1, $2, $3, $4)']).gaps).toEqual([expect.objectContaining({ table: 'product' })]);
  });
});
