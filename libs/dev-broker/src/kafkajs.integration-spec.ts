import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { CompressionTypes, type Consumer, type EachMessagePayload } from 'kafkajs';
import { startBroker, type RunningBroker } from './index';
import { captureLog, kafka, sleep, waitFor } from './test/helpers';
import { RawClient, encodeBatch, produceRaw } from './test/raw-client';
import { Reader } from './protocol/reader';
import { SUPPORTED_VERSIONS } from './protocol/api';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
jest.setTimeout(60000);

describe('dev-broker with kafkajs', () => {
  let broker: RunningBroker;
  const log = captureLog();

  beforeAll(async () => {
    broker = await startBroker({ inMemory: true, port: 0, logger: log.logger });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('produces and consumes across partitions, keeping per-key order', async () => {
    const k = kafka(broker.brokers);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 6 }] });
    const producer = k.producer();
    await producer.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    for (let round = 0; round < 20; round++) {
      await producer.send({ topic: 'orders', messages: keys.map((key) => ({ key, value: `${key}:${round}` })) });
    }
    const consumer = k.consumer({ groupId: 'orders-reader', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen = new Map<string, { partition: number; rounds: number[] }>();
    let count = 0;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key!.toString();
        const round = Number(message.value!.toString().split(':')[1]);
        const s = seen.get(key) ?? { partition, rounds: [] };
        expect(s.partition).toBe(partition);
        s.rounds.push(round);
        seen.set(key, s);
        count++;
      },
    });
    await waitFor(() => count >= 240, 20000, '240 messages');
    await consumer.disconnect();
    expect(count).toBe(240);
    for (const key of keys) expect(seen.get(key)!.rounds).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set([...seen.values()].map((s) => s.partition)).size).toBeGreaterThan(1);
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(240);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('handles a topic with many partitions, several producers and a group of consumers', async () => {
    const k = kafka(broker.brokers);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 64 }] });
    await admin.disconnect();
    const producers = await Promise.all(
      [0, 1, 2].map(async () => {
        const p = k.producer();
        await p.connect();
        return p;
      }),
    );
    await Promise.all(
      producers.map(async (p, pi) => {
        for (let round = 0; round < 10; round++)
          await p.send({ topic: 'wide', messages: Array.from({ length: 200 }, (_, i) => ({ key: `p${pi}-${i}`, value: `${pi}-${round}-${i}` })) });
      }),
    );
    await Promise.all(producers.map((p) => p.disconnect()));
    const seen = new Set<string>();
    let dupes = 0;
    const consumers = [0, 1].map(() => k.consumer({ groupId: 'wide-readers', maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 6000 }));
    for (const c of consumers) {
      await c.connect();
      await c.subscribe({ topic: 'wide', fromBeginning: true });
      await c.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const v = m.value!.toString();
            if (seen.has(v)) dupes++;
            seen.add(v);
          }
        },
      });
    }
    await waitFor(() => seen.size === 6000, 30000, '6000 messages over 64 partitions');
    await Promise.all(consumers.map((c) => c.disconnect()));
    expect(seen.size).toBe(6000);
    // a rebalance while the second consumer joins can legitimately re-deliver uncommitted batches;
    // with commits after each batch it stays small
    expect(dupes).toBeLessThan(600);
  });

  it('admin: topic configs are validated at creation and reported by DescribeConfigs, as Kafka does', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    const forever = [{ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }, { name: 'cleanup.policy', value: 'delete' }, { name: 'min.insync.replicas', value: '1' }];
    await admin.createTopics({ topics: [{ topic: 'cfg-events', numPartitions: 1, configEntries: forever }, { topic: 'cfg-plain', numPartitions: 1 }] });
    const creationError = (configEntries: { name: string; value: string }[]) =>
      admin.createTopics({ topics: [{ topic: 'cfg-bad', configEntries }] }).then(
        () => 'created',
        // kafkajs keeps only the error code, not Kafka's message
        (err: { errors?: { type: string }[] }) => err.errors?.map((e) => e.type).join(),
      );
    expect(await creationError([{ name: 'retention.ms', value: 'soon' }])).toMatch(/^INVALID_CONFIG/);
    expect(await creationError([{ name: 'no.such.config', value: '1' }])).toMatch(/^INVALID_CONFIG/);
    expect(await admin.listTopics()).not.toContain('cfg-bad');

    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 2, name: 'cfg-events', configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy', 'min.insync.replicas'] },
        { type: 2, name: 'cfg-plain', configNames: ['retention.ms', 'cleanup.policy'] },
      ],
    });
    const byTopic = Object.fromEntries(resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((c) => [c.configName, [c.configValue, c.isDefault]]))]));
    expect(byTopic['cfg-events']).toEqual({ 'retention.ms': ['-1', false], 'retention.bytes': ['-1', false], 'cleanup.policy': ['delete', false], 'min.insync.replicas': ['1', false] });
    expect(byTopic['cfg-plain']).toEqual({ 'retention.ms': ['604800000', true], 'cleanup.policy': ['delete', true] });
    await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'cfg-missing' }] })).rejects.toThrow(/does not host this topic-partition/);
    await admin.disconnect();
  });

  it('admin: create, list, fetch metadata, delete; re-created topics continue offsets', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 5 }, { topic: 'adm-b' }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'adm-a', numPartitions: 5 }] })).toBe(false);
    await expect(admin.createTopics({ topics: [{ topic: 'adm-c', replicationFactor: 3 }] })).rejects.toThrow();
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining(['adm-a', 'adm-b']));
    const md = await admin.fetchTopicMetadata({ topics: ['adm-a', 'adm-b'] });
    expect(md.topics.find((t) => t.name === 'adm-a')!.partitions).toHaveLength(5);
    expect(md.topics.find((t) => t.name === 'adm-b')!.partitions).toHaveLength(3);
    expect(md.topics[0].partitions[0].leader).toBe(1);
    const cluster = await admin.describeCluster();
    expect(cluster.controller).toBe(1);
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: broker.host, port: broker.port }]);

    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'adm-b', messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}`, partition: 0 })) });
    await admin.deleteTopics({ topics: ['adm-b'] });
    expect(await admin.listTopics()).not.toContain('adm-b');
    await admin.createTopics({ topics: [{ topic: 'adm-b', numPartitions: 3 }] });
    const [res] = await producer.send({ topic: 'adm-b', messages: [{ value: 'again', partition: 0 }] });
    expect(res.baseOffset).toBe('5'); // offsets only grow across delete + re-create
    const offs = await admin.fetchTopicOffsets('adm-b');
    expect(offs.find((o) => o.partition === 0)).toMatchObject({ low: '5', high: '6' });

    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-a', count: 8 }] });
    const grown = await admin.fetchTopicMetadata({ topics: ['adm-a'] });
    expect(grown.topics[0].partitions).toHaveLength(8);
    await producer.send({ topic: 'adm-a', messages: [{ value: 'in a new partition', partition: 7 }] });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'adm-a', count: 2 }] })).rejects.toThrow();
    await producer.disconnect();
    await admin.disconnect();
  });

  it('moves partitions through a group of 1 -> 2 -> 1 members without loss or double handling', async () => {
    const k = kafka(broker.brokers);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'group-moves', numPartitions: 4 }] });
    const producer = k.producer();
    await producer.connect();
    const handled = new Map<string, string>();
    const dupes: string[] = [];
    const byMember: Record<string, number> = { a: 0, b: 0 };
    const make = (): Consumer =>
      k.consumer({ groupId: 'movers', sessionTimeout: 4000, rebalanceTimeout: 4000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    const handler =
      (name: string) =>
      async ({ partition, message }: EachMessagePayload): Promise<void> => {
        const id = message.value!.toString();
        if (handled.has(id)) dupes.push(`${id} by ${name} after ${handled.get(id)} (p${partition}@${message.offset})`);
        handled.set(id, name);
        byMember[name]++;
      };
    let n = 0;
    const produce = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++, n++) await producer.send({ topic: 'group-moves', messages: [{ key: `k${n % 16}`, value: `m${n}` }] });
    };
    const a = make();
    await a.connect();
    await a.subscribe({ topic: 'group-moves', fromBeginning: true });
    await a.run({ eachMessage: handler('a') });
    await produce(40);
    await waitFor(() => handled.size === 40, 20000, 'a alone');

    const b = make();
    let bJoined = false;
    b.on(b.events.GROUP_JOIN, (e) => {
      if (e.payload.memberAssignment['group-moves']?.length) bJoined = true;
    });
    await b.connect();
    await b.subscribe({ topic: 'group-moves', fromBeginning: true });
    await b.run({ eachMessage: handler('b') });
    await waitFor(() => bJoined, 20000, 'b to get partitions');
    await sleep(300);
    await produce(40);
    await waitFor(() => handled.size === 80, 20000, 'a and b');
    expect(byMember.b).toBeGreaterThan(0);

    await b.disconnect(); // leaves the group: a gets all partitions back
    await sleep(300);
    const before = byMember.a;
    await produce(40);
    await waitFor(() => handled.size === 120, 20000, 'a alone again');
    expect(byMember.a - before).toBe(40);
    expect(dupes).toEqual([]);
    await a.disconnect();
    await producer.disconnect();

    const committed = await admin.fetchOffsets({ groupId: 'movers', topics: ['group-moves'] });
    const total = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
    expect(total).toBe(120);
    await admin.disconnect();
  });

  it('expires a member that stops heartbeating (killed process) and hands its partitions over', async () => {
    const k = kafka(broker.brokers);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'expiry', numPartitions: 4 }] });
    // a consumer in another process, killed with SIGKILL once it owns partitions
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const k = new Kafka({ brokers: [process.argv[1]], logLevel: logLevel.NOTHING });
      const c = k.consumer({ groupId: 'expiring', sessionTimeout: 1500, rebalanceTimeout: 3000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
      c.on(c.events.GROUP_JOIN, (e) => console.log('JOINED ' + JSON.stringify(e.payload.memberAssignment)));
      c.connect().then(() => c.subscribe({ topic: 'expiry' })).then(() => c.run({ eachMessage: async () => new Promise(() => {}) }));
    `;
    const child = spawn(process.execPath, ['-e', script, broker.brokers], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let childOut = '';
    child.stdout.on('data', (d) => (childOut += d));
    await waitFor(() => childOut.includes('JOINED'), 20000, 'child consumer to join');

    const got = new Set<number>();
    const survivor = k.consumer({ groupId: 'expiring', sessionTimeout: 3000, rebalanceTimeout: 3000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    let assigned = 0;
    survivor.on(survivor.events.GROUP_JOIN, (e) => (assigned = e.payload.memberAssignment['expiry']?.length ?? 0));
    await survivor.connect();
    await survivor.subscribe({ topic: 'expiry' });
    await survivor.run({ eachMessage: async ({ partition }) => void got.add(partition) });
    await waitFor(() => assigned === 2, 20000, 'survivor to share the partitions');
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    await waitFor(() => assigned === 4, 20000, 'survivor to take over all partitions');
    expect(log.lines.some((l) => l.includes('session timed out'))).toBe(true);
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic: 'expiry', messages: [0, 1, 2, 3].map((partition) => ({ partition, value: 'x' })) });
    await waitFor(() => got.size === 4, 20000, 'messages from all partitions');
    const desc = await admin.describeGroups(['expiring']);
    expect(desc.groups[0].members).toHaveLength(1);
    await survivor.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });

  it('idempotent producer: a retried batch is acknowledged with its original offset and stored once', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'idem', numPartitions: 1 }] });
    const raw = await RawClient.connect(broker.port);
    const init = await raw.request(22, 1, (w) => w.nullableString(null).int32(60000));
    init.int32();
    expect(init.int16()).toBe(0);
    const pid = init.int64();
    const epoch = init.int16();
    const first = encodeBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }], { producerId: pid, producerEpoch: epoch, baseSequence: 0 });
    expect(await produceRaw(raw, 'idem', 0, Buffer.from(first))).toEqual([0, 0]);
    // the same batch again, e.g. after a lost response: acknowledged, not appended
    expect(await produceRaw(raw, 'idem', 0, Buffer.from(first))).toEqual([0, 0]);
    const second = encodeBatch([{ value: 'd' }], { producerId: pid, producerEpoch: epoch, baseSequence: 3 });
    expect(await produceRaw(raw, 'idem', 0, second)).toEqual([0, 3]);
    const gap = encodeBatch([{ value: 'z' }], { producerId: pid, producerEpoch: epoch, baseSequence: 9 });
    expect((await produceRaw(raw, 'idem', 0, gap))[0]).toBe(45); // OUT_OF_ORDER_SEQUENCE_NUMBER
    const stale = encodeBatch([{ value: 'z' }], { producerId: pid, producerEpoch: epoch - 1, baseSequence: 4 });
    expect((await produceRaw(raw, 'idem', 0, stale))[0]).toBe(47); // INVALID_PRODUCER_EPOCH
    raw.close();

    // kafkajs's own idempotent producer works too
    const k = kafka(broker.brokers);
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'idem', messages: [{ value: 'e' }, { value: 'f' }] });
    await producer.send({ topic: 'idem', messages: [{ value: 'g' }] });
    await producer.disconnect();

    const consumer = k.consumer({ groupId: 'idem-reader', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'idem', fromBeginning: true });
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await waitFor(() => values.length >= 7, 15000, 'idempotent records');
    await sleep(200);
    await consumer.disconnect();
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await admin.disconnect();
  });

  it('accepts gzip-compressed batches and serves them back', async () => {
    const k = kafka(broker.brokers);
    const producer = k.producer();
    await producer.connect();
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `g${i % 7}`, value: `compressed-${i}-${'x'.repeat(50)}` }));
    await producer.send({ topic: 'gzipped', compression: CompressionTypes.GZIP, messages });
    const consumer = k.consumer({ groupId: 'gz', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'gzipped', fromBeginning: true });
    const got: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    await waitFor(() => got.length >= 200, 15000, 'gzip messages');
    await consumer.disconnect();
    await producer.disconnect();
    expect(got.sort()).toEqual(messages.map((m) => m.value).sort());
  });

  it('refuses batches above max.message.bytes like Kafka (1 MB default, per-topic config)', async () => {
    const k = kafka(broker.brokers);
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'big-default', numPartitions: 1 },
        { topic: 'big-allowed', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(4 * 1024 * 1024) }] },
      ],
    });
    await admin.disconnect();
    const producer = k.producer({ retry: { retries: 0 } });
    await producer.connect();
    const value = Buffer.alloc(2 * 1024 * 1024, 'b');
    await expect(producer.send({ topic: 'big-default', messages: [{ value }] })).rejects.toThrow(/too large|MESSAGE_TOO_LARGE|larger than/i);
    const [ok] = await producer.send({ topic: 'big-allowed', messages: [{ value }] });
    expect(ok.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('lists offsets by timestamp', async () => {
    const k = kafka(broker.brokers);
    const producer = k.producer();
    await producer.connect();
    const t0 = Date.now() - 10000;
    await producer.send({ topic: 'by-time', messages: [0, 1, 2, 3].map((i) => ({ partition: 0, value: `t${i}`, timestamp: String(t0 + i * 1000) })) });
    const admin = k.admin();
    await admin.connect();
    const at = await admin.fetchTopicOffsetsByTimestamp('by-time', t0 + 1500);
    expect(at.find((o) => o.partition === 0)!.offset).toBe('2');
    await admin.disconnect();
    await producer.disconnect();
  });

  it('closes a connection that sends garbage; other clients carry on', async () => {
    const k = kafka(broker.brokers);
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic: 'survivor', messages: [{ value: 'before' }] });

    const garbage = net.connect(broker.port, '127.0.0.1');
    garbage.on('error', () => undefined);
    const closed = new Promise((r) => garbage.on('close', r));
    garbage.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;

    // a well-sized frame whose body is nonsense
    const raw = await RawClient.connect(broker.port);
    raw.write(Buffer.from([0, 0, 0, 16, 0, 3, 0, 1, 0, 0, 0, 7, 0, 2, 0x41, 0x41, 0x7f, 0xff, 0xff, 0xff]));
    await raw.closed;
    // an API this broker does not implement (AlterConfigs): the connection is closed, as Kafka does
    const unsupported = await RawClient.connect(broker.port);
    void unsupported.request(33, 0, (w) => w.int32(0));
    await unsupported.closed;
    // an oversized frame
    const big = await RawClient.connect(broker.port);
    big.write(Buffer.from([0x7f, 0, 0, 0, 0, 0]));
    await big.closed;

    await producer.send({ topic: 'survivor', messages: [{ value: 'after' }] });
    const admin = k.admin();
    await admin.connect();
    const offs = await admin.fetchTopicOffsets('survivor');
    expect(offs.reduce((n, o) => n + Number(o.high), 0)).toBe(2);
    expect(log.lines.filter((l) => l.startsWith('closing connection')).length).toBeGreaterThanOrEqual(4);
    expect(log.lines.some((l) => l.includes('unsupported request api key 33'))).toBe(true);
    await admin.disconnect();
    await producer.disconnect();
  });

  it('fetch long-polls: honours max wait, wakes on append, returns at least one whole batch', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'longpoll', numPartitions: 1 }] });
    await admin.disconnect();
    const raw = await RawClient.connect(broker.port);
    const fetch = (offset: number, maxWait: number, partitionMaxBytes = 1 << 20) =>
      raw.request(1, 11, (w) => {
        w.int32(-1).int32(maxWait).int32(1).int32(50 << 20).int8(0).int32(0).int32(-1);
        w.int32(1).string('longpoll').int32(1).int32(0).int32(-1).int64(offset).int64(-1).int32(partitionMaxBytes);
        w.int32(0).string('');
      });
    const parse = (r: Reader) => {
      r.int32(); // throttle
      expect(r.int16()).toBe(0);
      r.int32(); // session
      r.int32();
      r.string();
      r.int32();
      r.int32();
      const error = r.int16();
      const hw = r.int64();
      r.int64();
      r.int64();
      r.int32(); // aborted (null)
      r.int32(); // preferred replica
      const records = r.nullableBytes();
      return { error, hw, bytes: records?.length ?? 0, batches: records ? countBatches(records) : 0 };
    };
    const countBatches = (b: Buffer) => {
      let n = 0;
      for (let p = 0; p < b.length; p += 12 + b.readInt32BE(p + 8)) n++;
      return n;
    };
    let t = Date.now();
    const empty = parse(await fetch(0, 300));
    expect(Date.now() - t).toBeGreaterThanOrEqual(250);
    expect(empty).toEqual({ error: 0, hw: 0, bytes: 0, batches: 0 });

    t = Date.now();
    const pending = fetch(0, 10000);
    await sleep(100);
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'longpoll', messages: [{ value: 'wake up', partition: 0 }] });
    const woke = parse(await pending);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(woke).toMatchObject({ error: 0, hw: 1, batches: 1 });

    for (let i = 0; i < 3; i++) await producer.send({ topic: 'longpoll', messages: [{ value: `more-${i}`, partition: 0 }] });
    expect(parse(await fetch(0, 0, 1))).toMatchObject({ hw: 4, batches: 1 }); // tiny limit: still one whole batch
    expect(parse(await fetch(1, 0))).toMatchObject({ hw: 4, batches: 3 });
    expect(parse(await fetch(7, 0)).error).toBe(1); // OFFSET_OUT_OF_RANGE

    await producer.send({ topic: 'longpoll', acks: 0, messages: [{ value: 'fire and forget', partition: 0 }] });
    await waitFor(async () => parse(await fetch(0, 0)).hw === 5, 5000, 'acks=0 message');
    await producer.disconnect();
    raw.close();
  });

  it('lists and describes groups', async () => {
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).toEqual(expect.arrayContaining(['orders-reader', 'movers']));
    const d = await admin.describeGroups(['movers', 'never-seen']);
    expect(d.groups.find((g) => g.groupId === 'movers')!.state).toBe('Empty');
    expect(d.groups.find((g) => g.groupId === 'never-seen')!.state).toBe('Dead');
    await admin.deleteGroups(['movers']);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('movers');
    const offsets = await admin.fetchOffsets({ groupId: 'movers', topics: ['group-moves'] });
    expect(offsets[0].partitions.every((p) => p.offset === '-1')).toBe(true);
    await expect(admin.deleteGroups(['never-seen'])).rejects.toThrow();
    await admin.disconnect();
  });

  it('survives a fuzzer: random bodies for every supported request type', async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const [key, min, max] = SUPPORTED_VERSIONS[i % SUPPORTED_VERSIONS.length];
      const version = min + rand(max - min + 1);
      const body = Buffer.alloc(rand(200));
      for (let j = 0; j < body.length; j++) body[j] = rand(4) === 0 ? 0xff : rand(3) === 0 ? 0 : rand(256);
      const header = Buffer.alloc(14);
      header.writeInt32BE(10 + body.length, 0);
      header.writeInt16BE(key, 4);
      header.writeInt16BE(version, 6);
      header.writeInt32BE(i, 8);
      header.writeInt16BE(-1, 12);
      const c = net.connect(broker.port, '127.0.0.1');
      c.on('error', () => undefined);
      c.on('data', () => undefined);
      await new Promise<void>((resolve) => {
        c.once('connect', () => {
          c.write(Buffer.concat([header, body]));
          setTimeout(() => {
            c.destroy();
            resolve();
          }, 2);
        });
      });
    }
    // still serving
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    const [res] = await producer.send({ topic: 'after-fuzz', messages: [{ value: 'ok', partition: 0 }] });
    expect(res.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('answers deeply pipelined requests in order (flow control does not stall)', async () => {
    const raw = await RawClient.connect(broker.port);
    const replies = await Promise.all(
      Array.from({ length: 3000 }, (_, i) => raw.request(3, 1, (w) => w.int32(1).string(`pipelined-${i % 3}`)).then((r) => {
        r.int32(); // brokers
        r.int32();
        r.string();
        r.int32();
        r.nullableString();
        r.int32(); // controller
        r.int32(); // topics
        r.int16();
        return r.string();
      })),
    );
    expect(replies.every((name, i) => name === `pipelined-${i % 3}`)).toBe(true);
    raw.close();
  });

  it('answers an ApiVersions request of an unknown version with UNSUPPORTED_VERSION and its versions in v0 layout', async () => {
    const raw = await RawClient.connect(broker.port);
    const r: Reader = await raw.request(18, 9, () => undefined);
    expect(r.int16()).toBe(35);
    const apis = r.array((r) => [r.int16(), r.int16(), r.int16()]);
    expect(apis).toContainEqual([18, 0, 3]);
    raw.close();
  });
});
