import { Envelope, Headers, Topics } from '@coupons/contracts';
import { assertSchemaInSync, runMigrationsWithLock } from '@coupons/service-kit';
import { RunningBroker, createTestDatabase, testBroker } from '@coupons/testing';
import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { KafkaConsumerRunner } from './consumer';
import { createKafka, headersToStrings } from './kafka';
import { ensureTopics } from './topic-provisioning';
import { Outcome } from './outcome';
import { appendToOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { Fold, Projector, foldRuns } from './projector';
import { fetchMarks, replayRange } from './replay';
import { readTopic, storeEvent, testDataSource, uniqueTopic, waitFor } from './test/harness';

jest.setTimeout(60_000);

let broker: RunningBroker;
let kafka: Kafka;
let url: string;
const dataSources: DataSource[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

async function migratedDataSource(schema: string): Promise<DataSource> {
  const ds = testDataSource(url, schema);
  await ds.initialize();
  dataSources.push(ds);
  await runMigrationsWithLock(ds);
  return ds;
}

function relayFor(schema: string, k: Kafka = kafka, extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
  const relay = new OutboxRelay({ database: { connectionString: url }, schema, kafka: k, pollIntervalMs: 200, standbyIntervalMs: 100, ...extra });
  cleanups.push(() => relay.stop());
  return relay;
}

async function append(ds: DataSource, topic: string, events: Envelope[]): Promise<void> {
  await ds.transaction(async (em) => {
    for (const e of events) await appendToOutbox(em, topic, e);
  });
}

const ids = (msgs: KafkaMessage[]) => msgs.map((m) => JSON.parse(m.value!.toString()).eventId as string);

/** A projection that counts events per aggregate: shows whether an effect happened once. */
const countStore: Fold = async (em, e) => {
  await em.query(`INSERT INTO counter (id, value) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET value = counter.value + 1`, [e.aggregateId]);
};
const counting = new Projector('test.projection', { own: 'test.own', consumed: [] }, { StoreUpserted: countStore }, 'ids');

async function counterValue(ds: DataSource, id: string): Promise<number> {
  const rows = await ds.query(`SELECT value FROM counter WHERE id = $1`, [id]);
  return rows[0]?.value ?? 0;
}

beforeAll(async () => {
  broker = await testBroker();
  kafka = createKafka(broker.brokers.split(','), 'messaging-test');
  url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'messaging');
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

afterAll(async () => {
  await Promise.all(dataSources.map((d) => d.destroy()));
  await broker?.stop();
});

describe('schema', () => {
  it('migrates up in sync with the entities, and down again', async () => {
    const ds = await migratedDataSource('msg_schema');
    await assertSchemaInSync(ds);
    await ds.undoLastMigration();
    const tables = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'msg_schema' AND table_name <> 'migrations'`);
    expect(tables).toEqual([]);
  });
});

describe('outbox relay', () => {
  it('publishes the outbox to Kafka in order, with key and headers, and marks rows published', async () => {
    const ds = await migratedDataSource('msg_order');
    const topic = uniqueTopic('relay.order');
    const events = Array.from({ length: 30 }, (_, i) => storeEvent('store-1', `name ${i}`));
    for (let i = 0; i < events.length; i += 7) await append(ds, topic, events.slice(i, i + 7));
    relayFor('msg_order', kafka, { batchSize: 8 }).start();

    const msgs = await readTopic(kafka, topic, (m) => m.length >= 30);
    expect(ids(msgs)).toEqual(events.map((e) => e.eventId));
    expect(msgs[0].key!.toString()).toBe('store-1');
    expect(headersToStrings(msgs[0].headers)).toMatchObject({ [Headers.type]: 'StoreUpserted', [Headers.version]: '1', [Headers.correlationId]: events[0].correlationId });
    await waitFor(async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0, 5000, 'rows marked');
  });

  it('deletes rows once published for longer than the retention', async () => {
    const ds = await migratedDataSource('msg_retention');
    const topic = uniqueTopic('relay.retention');
    const events = [storeEvent('r', 'a'), storeEvent('r', 'b')];
    await append(ds, topic, events);
    relayFor('msg_retention', kafka, { retainPublishedMs: 1 }).start();
    expect(ids(await readTopic(kafka, topic, (m) => m.length >= 2))).toEqual(events.map((e) => e.eventId));
    await waitFor(async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox`))[0].n === 0, 10_000, 'published rows deleted');
  });

  it('wakes on NOTIFY without waiting for the poll', async () => {
    const ds = await migratedDataSource('msg_notify');
    const topic = uniqueTopic('relay.notify');
    const relay = relayFor('msg_notify', kafka, { pollIntervalMs: 60_000 });
    relay.start();
    await waitFor(async () => relay.isLeader, 5000, 'leadership');
    await new Promise((r) => setTimeout(r, 300)); // the relay is now idle, waiting on LISTEN
    const e = storeEvent('store-n', 'n');
    const started = Date.now();
    await append(ds, topic, [e]);
    const msgs = await readTopic(kafka, topic, (m) => m.length >= 1, 10_000);
    expect(ids(msgs)).toEqual([e.eventId]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('republishes a batch after a crash between send and mark, and consumers apply it once', async () => {
    const ds = await migratedDataSource('msg_crash');
    const topic = uniqueTopic('relay.crash');
    const events = Array.from({ length: 5 }, (_, i) => storeEvent(`s${i}`, 'x'));
    await append(ds, topic, events);

    // A Kafka client whose first sendBatch reaches the broker and then "crashes" before the rows are marked.
    let crashed = false;
    const crashing = new Proxy(kafka, {
      get(target, prop, receiver) {
        if (prop !== 'producer') return Reflect.get(target, prop, receiver);
        return (cfg: Parameters<Kafka['producer']>[0]) => {
          const p: Producer = target.producer(cfg);
          const sendBatch = p.sendBatch.bind(p);
          p.sendBatch = async (batch) => {
            const r = await sendBatch(batch);
            if (!crashed) { crashed = true; throw new Error('simulated crash after send'); }
            return r;
          };
          return p;
        };
      },
    });
    relayFor('msg_crash', crashing).start();

    const msgs = await readTopic(kafka, topic, (m) => m.length >= 10);
    expect(crashed).toBe(true);
    // Nothing lost: the whole batch twice (keys differ, so only per-partition order is defined).
    expect(ids(msgs).sort()).toEqual([...events, ...events].map((e) => e.eventId).sort());

    // A consumer folding the topic applies each event once.
    const consumerDs = await migratedDataSource('msg_crash_consumer');
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic],
      handle: async (env, ctx) => (await counting.consume(consumerDs, ctx.topic, ctx.partition, [{ envelope: env, offset: ctx.offset }]))[0],
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    await waitFor(async () => (await consumerDs.query(`SELECT count(*)::int AS n FROM processed_message`))[0].n === 5, 20_000, 'all folded');
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) expect(await counterValue(consumerDs, `s${i}`)).toBe(1);
  });

  it('lets only one relay per schema publish, and another takes over when it stops', async () => {
    const ds = await migratedDataSource('msg_two');
    const topic = uniqueTopic('relay.two');
    const [a, b] = [relayFor('msg_two'), relayFor('msg_two')];
    a.start();
    b.start();
    await waitFor(async () => a.isLeader || b.isLeader, 5000, 'a leader');
    await new Promise((r) => setTimeout(r, 500));
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const first = Array.from({ length: 50 }, (_, i) => storeEvent(`k${i % 5}`, 'x'));
    for (let i = 0; i < 50; i += 5) await append(ds, topic, first.slice(i, i + 5));
    const msgs1 = await readTopic(kafka, topic, (m) => m.length >= 50);

    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    await waitFor(async () => standby.isLeader, 5000, 'takeover');
    const second = [storeEvent('k9', 'after takeover')];
    await append(ds, topic, second);
    const msgs = await readTopic(kafka, topic, (m) => m.length >= 51);
    expect(msgs1).toHaveLength(50);
    expect(ids(msgs).sort()).toEqual([...first, ...second].map((e) => e.eventId).sort()); // each exactly once
  });
});

describe('consumer runtime', () => {
  let producer: Producer;
  beforeAll(async () => {
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  const send = (topic: string, key: string, value: string | Buffer, headers: Record<string, string> = {}) =>
    producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });

  it('dead-letters a poison message with the reason and moves on', async () => {
    const topic = uniqueTopic('consume.poison');
    await ensureTopics(kafka, [topic]);
    const handled: string[] = [];
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic],
      handle: async (env) => {
        handled.push(env.payload.name);
        return env.payload.name === 'fails for good' ? Outcome.failed(new Error('business rule broken')) : Outcome.done;
      },
    });
    cleanups.push(() => runner.stop());
    await runner.start();

    await send(topic, 'k', 'this is not json', { 'x-origin': 'test' });
    await send(topic, 'k', JSON.stringify({ ...storeEvent('k', ''), payload: { storeId: 'k' } })); // invalid payload
    await send(topic, 'k', JSON.stringify(storeEvent('k', 'fails for good')));
    await send(topic, 'k', JSON.stringify(storeEvent('k', 'fine')));
    await waitFor(async () => handled.includes('fine'), 20_000, 'the partition to move on');
    expect(handled).toEqual(['fails for good', 'fine']);

    const dead = (await readTopic(kafka, Topics.deadLetter, (m) => m.filter((x) => headersToStrings(x.headers)[Headers.sourceTopic] === topic).length >= 3))
      .filter((x) => headersToStrings(x.headers)[Headers.sourceTopic] === topic);
    expect(dead).toHaveLength(3);
    const h = dead.map((d) => headersToStrings(d.headers));
    expect(dead[0].value!.toString()).toBe('this is not json');
    expect(dead[0].key!.toString()).toBe('k');
    expect(h[0]).toMatchObject({ [Headers.sourcePartition]: expect.stringMatching(/^\d+$/), [Headers.sourceOffset]: '0', 'x-origin': 'test' });
    expect(h[0][Headers.error]).toMatch(/not JSON/);
    expect(h[1][Headers.error]).toMatch(/invalid StoreUpserted: name/);
    expect(h[2][Headers.error]).toBe('business rule broken');
  });

  it('applies a duplicate delivery once', async () => {
    const ds = await migratedDataSource('msg_dup');
    const topic = uniqueTopic('consume.dup');
    await ensureTopics(kafka, [topic]);
    const e = storeEvent('dup-1', 'x');
    const last = storeEvent('dup-2', 'x');
    for (const m of [e, e, e, last]) await send(topic, m.aggregateId, JSON.stringify(m));
    const outcomes: string[] = [];
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic],
      handle: async (env, ctx) => {
        const [r] = await counting.consume(ds, ctx.topic, ctx.partition, [{ envelope: env, offset: ctx.offset }]);
        outcomes.push(r.status);
        return r;
      },
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    // dup-1 and dup-2 may sit on different partitions: wait for all four deliveries, not for the last one sent.
    await waitFor(async () => outcomes.length >= 4, 20_000, 'all four deliveries');
    expect(await counterValue(ds, 'dup-1')).toBe(1);
    expect(await counterValue(ds, 'dup-2')).toBe(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);
  });

  it('retries a transient database failure without skipping, then goes on in order', async () => {
    const ds = await migratedDataSource('msg_retry');
    await ds.query(`INSERT INTO counter (id, value) VALUES ('locked', 0)`);
    const topic = uniqueTopic('consume.retry');
    await ensureTopics(kafka, [topic], 1);

    // Another session holds the row lock: the handler's UPDATE fails with lock_not_available (55P03) until released.
    const blocker = new Client({ connectionString: url });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query(`UPDATE msg_retry.counter SET value = value WHERE id = 'locked'`);

    const seen: string[] = [];
    const errors: string[] = [];
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic], retry: { initialMs: 50, maxMs: 200 },
      handle: async (env) => {
        try {
          await ds.transaction(async (em) => {
            await em.query(`SET LOCAL lock_timeout = '50ms'`);
            await em.query(`UPDATE counter SET value = value + 1 WHERE id = 'locked'`);
          });
          seen.push(env.payload.name);
          return Outcome.done;
        } catch (err) {
          errors.push((err as { driverError?: { code?: string } }).driverError?.code ?? String(err));
          return Outcome.fromError(err);
        }
      },
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    await send(topic, 'a', JSON.stringify(storeEvent('a', 'first')));
    await send(topic, 'a', JSON.stringify(storeEvent('a', 'second')));

    await waitFor(async () => errors.length >= 3, 20_000, 'a few failed attempts');
    expect(seen).toEqual([]); // the second message waits behind the first
    await blocker.query('ROLLBACK');
    await waitFor(async () => seen.length === 2, 20_000, 'both messages');
    expect(seen).toEqual(['first', 'second']);
    expect(new Set(errors)).toEqual(new Set(['55P03']));
    expect(await counterValue(ds, 'locked')).toBe(2);
  });
});

describe('consumer runtime: batches', () => {
  it('hands runs of valid messages to the batch handler, dead-letters what it fails, and gives what it leaves to handle', async () => {
    const topic = uniqueTopic('consume.batch');
    await ensureTopics(kafka, [topic], 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // All in the log before the consumer starts, so the first fetch brings them together.
    const names = ['m1', 'm2', 'm3', 'm4', 'waits', 'm6', 'm7', 'bad', 'm9', 'm10'];
    await producer.send({
      topic, acks: -1,
      messages: names.map((n) => ({ key: 'k', value: n === 'bad' ? 'not json' : JSON.stringify(storeEvent('k', n)) })),
    });
    const batches: string[][] = [];
    const singles: string[] = [];
    const done: string[] = [];
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic],
      handle: async (env) => {
        singles.push(env.payload.name);
        done.push(env.payload.name);
        return Outcome.done;
      },
      handleBatch: async (messages) => {
        const batch = messages.map((m) => m.envelope.payload.name as string);
        batches.push(batch);
        const out = [];
        for (const name of batch) {
          if (name === 'waits') break; // left to handle
          if (name === 'm3') out.push(Outcome.failed(new Error('m3 broke a rule')));
          else {
            done.push(name);
            out.push(Outcome.done);
          }
        }
        return out;
      },
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    await waitFor(async () => done.includes('m10'), 20_000, 'the last message');

    expect(done).toEqual(['m1', 'm2', 'm4', 'waits', 'm6', 'm7', 'm9', 'm10']);
    expect(batches).toEqual([['m1', 'm2', 'm3', 'm4', 'waits', 'm6', 'm7'], ['waits', 'm6', 'm7'], ['m6', 'm7'], ['m9', 'm10']]);
    expect(singles).toEqual(['waits']);
    const dead = (await readTopic(kafka, Topics.deadLetter, (m) => m.filter((x) => headersToStrings(x.headers)[Headers.sourceTopic] === topic).length >= 2))
      .filter((x) => headersToStrings(x.headers)[Headers.sourceTopic] === topic)
      .map((x) => headersToStrings(x.headers));
    expect(dead.map((h) => [h[Headers.sourceOffset], h[Headers.error]])).toEqual([['2', 'm3 broke a rule'], ['7', expect.stringMatching(/not JSON/)]]);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await waitFor(async () => (await admin.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] }))[0].partitions[0].offset === '10', 10_000, 'the committed offset');
  });
});

describe('consumer runtime: fetch tuning', () => {
  // Messages trickling in (5 ms apart) reach a consumer with kafkajs's defaults in runs of one or two: the broker
  // answers a fetch as soon as it has a byte. With a fuller fetch asked for, it holds the fetch until its wait is over,
  // and the handler gets long runs (the point: fewer transactions for folds nobody waits on).
  async function runsOf(fetch: { minBytes: number; maxWaitMs: number } | undefined): Promise<number[]> {
    const topic = uniqueTopic('consume.fetch');
    await ensureTopics(kafka, [topic], 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const runs: number[] = [];
    let seen = 0;
    const runner = new KafkaConsumerRunner({
      kafka, groupId: `g-${topic}`, topics: [topic], fetch,
      handle: async () => {
        runs.push(1);
        seen++;
        return Outcome.done;
      },
      handleBatch: async (messages) => {
        runs.push(messages.length);
        seen += messages.length;
        return messages.map(() => Outcome.done);
      },
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    // The consumer is fetching (waiting on an empty log) before the first message is sent.
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: JSON.stringify(storeEvent('k', `m${i}`)) }] });
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(async () => seen === 20, 20_000, 'all 20 messages');
    return runs;
  }

  it('a fuller fetch brings messages that trickle in as long runs; the default brings them a few at a time', async () => {
    const tuned = await runsOf({ minBytes: 1024 * 1024, maxWaitMs: 1_000 });
    const plain = await runsOf(undefined);
    // The tuned fetch is answered when its wait ends: at most one fetch already waiting splits the 20 in two.
    expect(tuned.length).toBeLessThanOrEqual(2);
    expect(Math.max(...tuned)).toBeGreaterThanOrEqual(10);
    expect(plain.length).toBeGreaterThan(5);
  });
});

describe('replay engine', () => {
  it('reads a partition longer than one fetch to its end (each fetch resumes after the last folded offset)', async () => {
    const topic = uniqueTopic('replay-long');
    await ensureTopics(kafka, [topic], 2);
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // 40 sends of 5 events each: 40 record batches per key, ~20 kB per partition against 2 kB fetches.
    const keys = ['a', 'b', 'c'];
    for (let round = 0; round < 40; round++) {
      await producer.send({ topic, acks: -1, messages: keys.flatMap((k) => Array.from({ length: 5 }, (_, i) => ({ key: k, value: JSON.stringify(storeEvent(k, `${round}-${i}`)) }))) });
    }
    const ds = await migratedDataSource('msg_replay_long');
    const projector = new Projector('test.replay', { own: topic, consumed: [] }, { StoreUpserted: countStore });
    const progress: number[] = [];
    const stats = await replayRange({ kafka, projector, dataSource: ds, marks: await fetchMarks(kafka, [topic]), maxBytesPerPartition: 2048, batchSize: 7, onProgress: (p) => progress.push(p.done) });
    expect(stats).toMatchObject({ messages: 600, applied: 600, duplicates: 0, skipped: [] });
    for (const k of keys) expect(await counterValue(ds, k)).toBe(200);
    expect(progress.at(-1)).toBe(600);
  });

  /**
   * A fold of runs: each event appends its name's last digit to its aggregate's counter (value * 10 + digit), so the
   * counters show every event's effect, once, in order. It fails, as a RunFold must, exactly when one of the run's
   * events would fail alone: a name starting with "poison".
   */
  const runs: string[][] = [];
  const appendDigits = foldRuns<{ name: string }>(async (em, events) => {
    runs.push(events.map((e) => e.payload.name));
    if (events.some((e) => e.payload.name.startsWith('poison'))) throw new Error(`poison in the run`);
    for (const e of events) {
      await em.query(`INSERT INTO counter AS c (id, value) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET value = c.value * 10 + EXCLUDED.value`, [e.aggregateId, Number(e.payload.name.slice(-1))]);
    }
  });

  it('applyMany hands each run of events of one type to a set-based fold; consumed events are deduped by offset or by id', async () => {
    const ds = await migratedDataSource('msg_runs');
    const folds = { StoreUpserted: appendDigits, ProductUpserted: countStore };
    const projector = new Projector('test.runs', { own: 'test.own', consumed: ['test.in'] }, folds);
    const [a1, a2, a3] = [storeEvent('a', 'n1'), storeEvent('a', 'n2'), storeEvent('b', 'n3')];
    const product = { ...storeEvent('p', 'x'), type: 'ProductUpserted' };
    const other = { ...storeEvent('z', 'x'), type: 'NotFolded' };
    runs.length = 0;
    const results = await ds.transaction((em) => projector.applyMany(em, [a1, other, a2, product, a3]));
    expect(results).toEqual(['applied', 'ignored', 'applied', 'applied', 'applied']);
    // Ignored events have no effect, so they do not break a run; another type does.
    expect(runs).toEqual([['n1', 'n2'], ['n3']]);
    expect(await counterValue(ds, 'a')).toBe(12);
    expect(await counterValue(ds, 'b')).toBe(3);
    expect(await counterValue(ds, 'p')).toBe(1);
    // By offset: a redelivered offset is skipped, the next one applied; the position is kept per partition.
    runs.length = 0;
    const [a4, a5] = [storeEvent('a', 'n4'), storeEvent('a', 'n5')];
    const consumed = (events: Array<[Envelope, string]>, p: Projector = projector) =>
      ds.transaction((em) => p.applyConsumed(em, 'test.in', 0, events.map(([envelope, offset]) => ({ envelope, offset }))));
    expect(await consumed([[a4, '7']])).toEqual(['applied']);
    expect(await consumed([[a4, '7'], [a5, '8']])).toEqual(['duplicate', 'applied']);
    expect(runs).toEqual([['n4'], ['n5']]);
    expect(await counterValue(ds, 'a')).toBe(1245);
    expect(await ds.query(`SELECT topic, partition, next_offset::text AS n FROM fold_position`)).toEqual([{ topic: 'test.in', partition: 0, n: '9' }]);
    // By id: the same event again is skipped wherever it sits.
    const byId = new Projector('test.byid', { own: 'test.own', consumed: ['test.in'] }, folds, 'ids');
    const a6 = storeEvent('a', 'n6');
    expect(await consumed([[a6, '1'], [a6, '2']], byId)).toEqual(['applied', 'duplicate']);
    expect(await consumed([[a6, '3']], byId)).toEqual(['duplicate']);
    expect(await counterValue(ds, 'a')).toBe(12456);
  });

  it('skips a fold that fails for good inside a batch alone: the batch is split until it is alone, every other event is folded once, in order', async () => {
    const topic = uniqueTopic('replay-poison');
    await ensureTopics(kafka, [topic], 1);
    const names = ['n1', 'n2', 'n3', 'poison-4', 'n5', 'n6', 'n7', 'n8', 'n9'];
    const events = names.map((n, i) => storeEvent(i % 2 ? 'odd' : 'even', n));
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic, acks: -1, messages: [...events.map((e) => ({ key: 'k', value: JSON.stringify(e) })), { key: 'k', value: JSON.stringify(events[1]) }] });
    const ds = await migratedDataSource('msg_replay_poison');
    const projector = new Projector('test.poison', { own: 'test.own', consumed: [topic] }, { StoreUpserted: appendDigits });
    runs.length = 0;
    const stats = await replayRange({ kafka, projector, dataSource: ds, marks: await fetchMarks(kafka, [topic]), batchSize: 100 });
    expect(stats).toMatchObject({ messages: 10, applied: 8, duplicates: 1 });
    expect(stats.skipped).toEqual([{ topic, partition: 0, offset: '3', reason: 'fold failed: poison in the run' }]);
    // Live, one event per transaction: even n1 n3 n5 n7 n9 without poison-4 (offset 3, odd), odd n2 n6 n8.
    expect(await counterValue(ds, 'even')).toBe(13579);
    expect(await counterValue(ds, 'odd')).toBe(268);
    // The whole batch first, then halves down to the poison alone; committed parts record how far they got (the
    // repeat at offset 9 was skipped by its id, so the last fold ended at offset 8).
    expect(runs[0]).toEqual(names);
    expect(runs).toContainEqual(['poison-4']);
    expect(await ds.query(`SELECT next_offset::text AS n FROM fold_position WHERE topic = $1`, [topic])).toEqual([{ n: '9' }]);
  });
});
